export { createServer, loggerOptions, type Server, type ServerOptions } from "./server.ts";
export { registerHealthRoutes } from "./health.ts";
export { sendJsonText } from "./serializer.ts";

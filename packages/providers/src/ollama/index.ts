export { ollama } from "./provider.ts";

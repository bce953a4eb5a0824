export { openaiCompatible } from "./provider.ts";

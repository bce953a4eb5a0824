export { openrouter } from "./provider.ts";

export { groq } from "./provider.ts";

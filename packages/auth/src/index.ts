export * from "./secrets.ts";
export * from "./passwords.ts";
export * from "./tokens.ts";
export * from "./totp.ts";

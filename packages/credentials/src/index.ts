export { createCredentialCipher, type CredentialCipher } from "./cipher.ts";
export { createCredentialsService, toCredentialMetadata, type CredentialsService } from "./credentials.service.ts";
export { createToolSecretsCipher, toolSecretHints, type ToolSecretsCipher } from "./tool-secrets.ts";

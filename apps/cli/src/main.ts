import { parseArgs } from "node:util";
import { ConfigError, loadConfig, ROLES, type Role } from "@orbis/config";
import { callCommand } from "./call-command.ts";
import { adminCommand, migrateCommand, seedCommand, startCommand } from "./commands.ts";

const USAGE = `orbis — OrbisVoice command line

  orbis start [--role api|gateway|worker|all]   run the platform (default: all, in one process)
  orbis migrate                                apply database migrations
  orbis seed                                   create the demo workspace if it does not exist
  orbis call --say "LINE | EXPECTED" [--say …]  call an agent with a synthetic caller voice; exits 1 when an
             [--script FILE] [--agent agt_… --key pk_… | --url ws://…] [--type] [--speed N] [--voice slt]
                                               expectation fails (defaults: the demo agent on PORT)
  orbis admin create --email EMAIL [--name NAME] make a user the platform operator (creates the user, with a
                                               generated password printed once, when there is none)

Configuration comes from environment variables; see README.md.`;

async function main(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      role: { type: "string", default: "all" },
      help: { type: "boolean", short: "h" },
      say: { type: "string", multiple: true, default: [] },
      script: { type: "string" },
      url: { type: "string" },
      agent: { type: "string" },
      key: { type: "string" },
      origin: { type: "string" },
      voice: { type: "string" },
      speed: { type: "string" },
      type: { type: "boolean" },
      email: { type: "string" },
      name: { type: "string" },
    },
  });
  const [command, action] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  const role = values.role as Role;
  if (!ROLES.includes(role)) throw new ConfigError(`--role must be one of ${ROLES.join(", ")} (got "${values.role}")`);
  switch (command) {
    case "start":
      return startCommand(loadConfig(role), role);
    case "migrate":
      return migrateCommand(loadConfig("worker"));
    case "seed":
      return seedCommand(loadConfig("api"));
    case "call":
      process.exitCode = await callCommand(loadConfig("api"), values);
      return;
    case "admin":
      return adminCommand(loadConfig("worker"), action, { email: values.email, name: values.name });
    default:
      throw new ConfigError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (
    error instanceof ConfigError ||
    (error instanceof Error && error.name === "TypeError" && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"))
  ) {
    console.error(`orbis: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});

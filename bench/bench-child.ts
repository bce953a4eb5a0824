// Starting a benchmark's server as a child process: the same node flags and the same "ready" handshake
// for every bench (the api one and the gateway ones).
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

/** BENCH_PROF=dir writes a CPU profile of the child there when it stops; BENCH_NODE_ARGS adds node flags. */
export const benchNodeArgs = (): string[] => [
  ...(process.env.BENCH_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []),
  ...(process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
];

/** Runs `script` under tsx and resolves with the first JSON line it prints; other lines (e.g. --trace-gc) go to stderr. */
export function startChild<T>(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; info: T }> {
  const child = spawn(process.execPath, [...benchNodeArgs(), "--import", "tsx", script], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    let found = false;
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (!found && line.startsWith("{")) {
        found = true;
        resolve({ child, info: JSON.parse(line) as T });
      } else process.stderr.write(line + "\n");
    });
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

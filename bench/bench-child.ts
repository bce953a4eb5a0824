// Starting a benchmark's server as a child process: the same node flags and the same "ready" handshake
// for every bench (the api one and the gateway ones).
import { spawn, type ChildProcess } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { createInterface } from "node:readline";

/** BENCH_PROF=dir writes a CPU profile of the child there when it stops; BENCH_NODE_ARGS adds node flags. */
const benchNodeArgs = (): string[] => [
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

/** RSS and CPU seconds of a process, from /proc (Linux). */
export async function processStats(pid: number) {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  const stat = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
  const ticks = Number(stat[11]) + Number(stat[12]);
  return { rssMb: rssKb / 1024, cpuSec: ticks / 100, sysSec: Number(stat[12]) / 100 };
}

/** CPU seconds used so far by every process whose command is `name` (e.g. "postgres": the server and its backends), from /proc. */
export async function commandCpuSec(name: string): Promise<number> {
  let ticks = 0;
  for (const pid of (await readdir("/proc")).filter((entry) => /^\d+$/.test(entry))) {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    const open = stat.indexOf("(");
    const close = stat.lastIndexOf(")");
    if (open < 0 || stat.slice(open + 1, close) !== name) continue;
    const fields = stat.slice(close + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

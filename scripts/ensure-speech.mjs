// Run by `npm start` before the platform starts: the offline recogniser needs Debian's pocketsphinx.
// Installs it when we are root on Debian/Ubuntu; otherwise prints the exact command (the platform then
// runs with typed input only and says so at start-up).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const PACKAGES = ["libpocketsphinx3", "pocketsphinx-en-us"];
const COMMAND = `apt-get install -y --no-install-recommends ${PACKAGES.join(" ")}`;

function present() {
  let libs = "";
  try {
    libs = execFileSync("ldconfig", ["-p"], { encoding: "utf8" });
  } catch {
    return false;
  }
  return libs.includes("libpocketsphinx.so.3") && existsSync("/usr/share/pocketsphinx/model/en-us/en-us/mdef");
}

if (!present()) {
  const canInstall = process.platform === "linux" && process.getuid?.() === 0 && existsSync("/usr/bin/apt-get");
  if (canInstall && process.env.ORBIS_SKIP_SPEECH_INSTALL !== "1") {
    console.log(`orbis: installing the offline speech recogniser: ${COMMAND}`);
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...PACKAGES], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  }
  if (!present()) {
    console.warn(`\n  !! Offline speech recognition is NOT available: voice calls will run with typed input only.\n  !! Install it with:  sudo ${COMMAND}\n`);
  }
}

import type { BusinessConfig, Service } from "@orbis/contracts";

/**
 * How callers describe a problem without naming the service that fixes it ("my sink is backed up" →
 * drain cleaning), keyed by the service ids of the business templates (`templates.ts`). A business
 * started from a template keeps those ids; any other service is recognised by its name and synonyms
 * only (`nlu.ts`).
 */
const PROBLEM_WORDS: Record<string, readonly string[]> = {
  // dental
  cleaning: ["cleaned", "routine visit", "six month", "6 month", "plaque", "tartar", "hygienist", "polish"],
  exam: ["first visit", "never been", "new to the area", "moved here", "look at my teeth", "check my teeth", "x ray"],
  filling: [
    "cavity",
    "cavities",
    "filled",
    "hole in my tooth",
    "sensitive",
    "sensitivity",
    "cold drinks",
    "sweets",
    "lost a filling",
    "filling fell out",
    "decay",
    "tooth hurts",
  ],
  whitening: ["whitened", "whiten", "yellow", "stains", "stained", "whiter", "brighter"],
  emergency: [
    "tooth hurts",
    "chipped",
    "broke off",
    "tooth broke",
    "piece of my tooth",
    "sharp",
    "throbbing",
    "can't chew",
    "tooth out",
    "toothache",
    "cracked",
    "broke my tooth",
    "abscess",
    "swollen",
    "swelling",
    "knocked out",
    "pain",
  ],
  // home services
  diagnostic: [
    "strange noise",
    "not working",
    "making a noise",
    "take a look",
    "check it out",
    "thermostat",
    "leaking",
    "leak",
    "dripping",
    "check engine",
    "won't start",
    "rattle",
    "warning light",
    "dashboard light",
    "stalls",
    "shaking",
    "leaky",
    "faucet",
    "pipes",
    "look at",
    "clunk",
    "clunking",
    "knocking",
    "noise",
    "don't know what",
    "not sure what",
    "blowing cold",
  ],
  drain: ["sink", "toilet", "shower", "tub", "backed up", "won't drain", "slow drain", "overflowing", "standing water", "clogged"],
  "water-heater": ["cold shower", "no hot water", "water is cold", "water's cold", "lukewarm", "tank"],
  "ac-tuneup": ["ac", "a c", "air's not cold", "not cold", "too hot", "warm air", "air conditioner", "not cooling", "blowing warm", "humid"],
  furnace: [
    "furnace",
    "heater",
    "heat's",
    "blowing cold",
    "cold air",
    "cold house",
    "freezing",
    "no heat",
    "heat isn't",
    "heat is not",
    "heat's not",
    "radiator",
    "heat pump",
    "pilot light",
  ],
  // auto repair
  "oil-change": ["oil light", "due for", "maintenance light", "3000 miles", "3,000 miles"],
  brakes: ["squeak", "squeaking", "squeal", "squealing", "grinding", "brake", "pedal", "stopping"],
  tires: ["flat", "puncture", "tread", "pressure light", "nail in", "alignment", "pulls to"],
  inspection: ["registration", "smog", "sticker", "dmv"],
  // salon and spa
  haircut: ["trim", "shorter", "bangs", "fringe", "split ends", "cut my hair"],
  color: ["grey", "gray", "roots", "blonde", "highlight", "dye", "colour"],
  blowout: ["wedding", "party", "event", "styled", "blow dry"],
  massage: ["back pain", "sore", "tense", "stress", "knots", "relax"],
  facial: ["skin", "acne", "pores", "glow"],
  manicure: ["nails", "gel", "toes", "pedicure"],
  // generic
  consultation: [
    "first meeting",
    "initial meeting",
    "new project",
    "help with",
    "thinking about",
    "advice",
    "first time",
    "new client",
    "get started",
    "discuss",
  ],
  "follow-up": ["last time", "check in", "next steps", "follow"],
};

/** Words that make a call an emergency in every business. */
const EMERGENCY_WORDS = ["emergency", "severe pain", "excruciating", "unbearable pain", "can't breathe"];

/** Emergencies particular to a kind of business, keyed by a service id its template has. */
const EMERGENCY_BY_SERVICE: Record<string, readonly string[]> = {
  // dental
  emergency: [
    "knocked out",
    "tooth out",
    "knocked his tooth",
    "knocked her tooth",
    "knocked my tooth",
    "blood everywhere",
    "won't stop bleeding",
    "bleeding a lot",
    "face is swollen",
    "swollen face",
    "abscess",
  ],
  // home services
  furnace: [
    "no heat",
    "flooding",
    "flooded",
    "burst pipe",
    "pipe burst",
    "pipes burst",
    "gas smell",
    "smell gas",
    "smells like gas",
    "gas leak",
    "carbon monoxide",
    "sparking",
    "furnace died",
    "furnace is dead",
    "heat died",
  ],
  // auto repair
  brakes: ["brakes failed", "brakes gave out", "stranded", "broke down", "broken down", "accident", "smoke coming"],
};

function has(text: string, phrase: string): boolean {
  return ` ${text} `.includes(` ${phrase} `);
}

/** The caller's words, lowercase, letters and digits only, single-spaced. */
function plain(norm: string): string {
  return norm
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The bookable services a described problem points to, best first; several when they fit equally
 * ("my tooth hurts" → filling or emergency visit). Empty when nothing does.
 */
/** The problem phrases that point at this business's services (the recogniser's language model learns them). */
export function problemPhrases(business: BusinessConfig): string[] {
  return business.services.filter((s) => s.bookable).flatMap((s) => PROBLEM_WORDS[s.id] ?? []);
}

export function servicesForProblem(business: BusinessConfig, norm: string): Service[] {
  return problemFit(business, norm).services;
}

/** The services the problem words point to, best first, and how many of their words were said. */
export function problemFit(business: BusinessConfig, norm: string): { services: Service[]; score: number } {
  const text = plain(norm);
  let best: Service[] = [];
  let bestScore = 0;
  for (const s of business.services) {
    if (!s.bookable) continue;
    const score = (PROBLEM_WORDS[s.id] ?? []).filter((w) => has(text, w)).length;
    if (score === 0) continue;
    if (score > bestScore) {
      best = [s];
      bestScore = score;
    } else if (score === bestScore) best.push(s);
  }
  return { services: best, score: bestScore };
}

/** "We have no heat", "my basement is flooding", "I'm in severe pain": this call cannot wait. */
export function isEmergency(business: BusinessConfig, norm: string): boolean {
  const text = plain(norm);
  if (EMERGENCY_WORDS.some((w) => has(text, w))) return true;
  return business.services.some((s) => (EMERGENCY_BY_SERVICE[s.id] ?? []).some((w) => has(text, w)));
}

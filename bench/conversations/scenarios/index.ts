import { parseScenarios, type Scenario } from "../scenario.ts";
import { AUTO_REPAIR } from "./auto-repair.ts";
import { DENTAL } from "./dental.ts";
import { GENERIC } from "./generic.ts";
import { HOME_SERVICES } from "./home-services.ts";
import { SALON_SPA } from "./salon-spa.ts";

/** Every scenario of the benchmark, validated. */
export const SCENARIOS: readonly Scenario[] = parseScenarios([...DENTAL, ...HOME_SERVICES, ...AUTO_REPAIR, ...SALON_SPA, ...GENERIC]);

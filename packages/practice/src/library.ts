import type { Objection, PersonaDto, PersonaInput, RubricItem, ScenarioDto, ScenarioInput } from "@orbis/contracts";

/**
 * The built-in library: six prospects across industries (all four personalities) and one scenario per
 * scenario type. Every workspace lists them next to its own and may duplicate them; they cannot be
 * edited. Objection `triggers` and `resolvedBy` are words the rep says (matched loosely: case,
 * punctuation and word order do not matter); `raise` and `concession` are the prospect's lines.
 * Opening lines may use {firstName}, {name}, {company} and {role}, filled from the persona the rep picked.
 */

type BuiltInPersona = Omit<PersonaInput, "objections"> & { id: string; objections: Objection[] };
type BuiltInScenario = Omit<ScenarioInput, "rubric"> & { id: string; rubric: RubricItem[] };

const persona = (p: BuiltInPersona): PersonaDto => ({ ...p, builtIn: true, createdAt: null, updatedAt: null });
const scenario = (s: BuiltInScenario): ScenarioDto => ({ ...s, builtIn: true, createdAt: null, updatedAt: null });

/** The built-in personas (ids `builtin_…`), across industries and personalities. */
export const BUILTIN_PERSONAS: readonly PersonaDto[] = [
  persona({
    id: "builtin_saas_it_director",
    name: "Dana Whitfield",
    role: "IT Director",
    company: "Northwind Cloud",
    industry: "Software (SaaS)",
    personality: "skeptical",
    painPoints: [
      "Password reset tickets eat about a third of my help desk's week.",
      "Setting up a new hire's accounts takes us three days by hand.",
      "When someone leaves, I can't prove all of their access was removed.",
    ],
    budget: "We have around forty thousand a year for tooling, and anything over twenty-five thousand needs the CIO.",
    authority: "influencer",
    voice: "slt",
    objections: [
      {
        key: "security",
        raise: "How do I know our data is safe with you? We were burned by a vendor breach last year.",
        triggers: ["cloud", "data", "access", "integrate", "connect"],
        resolvedBy: ["SOC 2", "security review", "encrypted", "penetration test", "security questionnaire", "data stays"],
        concession: "Okay. If you send the SOC 2 report, my security team can review it.",
      },
      {
        key: "incumbent",
        raise: "We already get something like this from our identity provider.",
        triggers: ["replace", "switch", "identity", "single sign on", "okta"],
        resolvedBy: ["works alongside", "integrates with", "keep your", "doesn't replace", "on top of"],
        concession: "If it sits alongside what we have instead of replacing it, that's different.",
      },
      {
        key: "authority",
        raise: "I'm not the one who signs off on this. My CIO does.",
        triggers: ["sign off", "contract", "purchase", "buy"],
        resolvedBy: ["bring your CIO", "include your CIO", "business case", "loop in", "what would your CIO need"],
        concession: "A one-page business case would help me take it to the CIO.",
      },
    ],
  }),
  persona({
    id: "builtin_dental_practice_owner",
    name: "Dr. Maria Alvarez",
    role: "Practice owner",
    company: "Bright Smile Dental",
    industry: "Healthcare (dental)",
    personality: "friendly",
    painPoints: [
      "We miss calls when the front desk is with patients, and those are new patients we lose.",
      "No-shows cost us about two chairs a day.",
      "My front desk spends hours on the phone confirming appointments.",
    ],
    budget: "If it pays for itself, a few hundred dollars a month is fine. I sign the cheques.",
    authority: "decision_maker",
    voice: "slt",
    objections: [
      {
        key: "timing",
        raise: "Honestly, can you just send me an email? It's a busy week.",
        triggers: [],
        resolvedBy: ["two minutes", "quick question", "one question", "better time", "I'll be brief"],
        concession: "Alright, I have a couple of minutes now. Go ahead.",
      },
      {
        key: "price",
        raise: "That sounds expensive for a small practice like ours.",
        triggers: ["price", "cost", "per month", "pricing", "fee"],
        resolvedBy: ["pays for itself", "return on investment", "one new patient", "missed call costs", "no long term contract"],
        concession: "Well, if one new patient a month covers it, I can see the math.",
      },
      {
        key: "patients",
        raise: "My patients like talking to a real person. I don't want them annoyed by a robot.",
        triggers: ["automated", "AI", "robot", "automatic", "voice assistant"],
        resolvedBy: ["transfer to your staff", "sounds natural", "listen to a recording", "always reach", "hand off"],
        concession: "If they can always reach my staff, I'm more comfortable with it.",
      },
    ],
  }),
  persona({
    id: "builtin_manufacturing_procurement",
    name: "Greg Kowalski",
    role: "Procurement manager",
    company: "Ironbridge Manufacturing",
    industry: "Manufacturing",
    personality: "hostile",
    painPoints: [
      "Suppliers miss delivery dates and I find out when the line stops.",
      "Quotes come in by email and spreadsheet, and nobody can compare them.",
      "Every price increase this year came with no warning.",
    ],
    budget: "Anything I buy has to save more than it costs inside twelve months. I approve up to fifty thousand.",
    authority: "decision_maker",
    voice: "kal16",
    objections: [
      {
        key: "timing",
        raise: "Send me something in writing. I don't do phone sales.",
        triggers: [],
        resolvedBy: ["one question", "thirty seconds", "not selling today", "just want to understand", "quick question"],
        concession: "Fine. You have two minutes.",
      },
      {
        key: "incumbent",
        raise: "We've used the same supplier portal for eight years. Why would I change?",
        triggers: ["portal", "software", "platform", "system", "switch"],
        resolvedBy: ["what do you like about", "what would you change", "side by side", "pilot", "import your existing", "no migration"],
        concession: "A pilot on one product line, I could live with.",
      },
      {
        key: "price",
        raise: "Your competitors were cheaper, and every one of them said they'd save me money.",
        triggers: ["price", "cost", "pricing", "discount", "expensive"],
        resolvedBy: ["total cost", "case study", "savings guarantee", "measured savings", "plant like yours"],
        concession: "If you can show me measured savings from a plant like ours, I'll look at it.",
      },
    ],
  }),
  persona({
    id: "builtin_logistics_ops_manager",
    name: "Marcus Reid",
    role: "Operations manager",
    company: "Swiftline Freight",
    industry: "Logistics",
    personality: "busy",
    painPoints: [
      "Dispatchers spend half their day on the phone chasing drivers for arrival times.",
      "Customers call asking where their shipment is, and we have no quick answer.",
      "Overtime at the depot went up twenty percent this year.",
    ],
    budget: "Operations has a small discretionary budget. Anything bigger goes to our VP of operations.",
    authority: "influencer",
    voice: "rms",
    objections: [
      {
        key: "timing",
        raise: "I'm in the middle of a shift change. Just send me an email.",
        triggers: [],
        resolvedBy: ["two minutes", "quick question", "better time", "call you back", "one question"],
        concession: "Okay, two minutes. Go.",
      },
      {
        key: "integration",
        raise: "We just finished rolling out a new TMS. I'm not touching it again this year.",
        triggers: ["integrate", "integration", "system", "software", "implement"],
        resolvedBy: ["no changes to your", "works with your TMS", "connects to", "we handle the setup", "no IT work"],
        concession: "If my team doesn't have to touch the TMS, fine.",
      },
      {
        key: "authority",
        raise: "I'd have to run anything like this past my VP.",
        triggers: ["contract", "purchase", "budget", "sign off", "buy"],
        resolvedBy: ["bring your VP", "include your VP", "what does your VP care about", "business case", "loop in"],
        concession: "If you put together something I can forward to my VP, that works.",
      },
    ],
  }),
  persona({
    id: "builtin_retail_marketing_head",
    name: "Priya Shah",
    role: "Head of marketing",
    company: "Urban Threads",
    industry: "Retail (forty clothing stores)",
    personality: "friendly",
    painPoints: [
      "We can't tell which campaigns actually bring people into the stores.",
      "Fewer than ten percent of loyalty members open our emails.",
      "Every store manager runs their own promotions, and the brand is all over the place.",
    ],
    budget: "I own the marketing budget. A new tool would need to fit in about fifty thousand for the year.",
    authority: "decision_maker",
    voice: "slt",
    objections: [
      {
        key: "proof",
        raise: "We tried something similar two years ago, and it didn't move the needle.",
        triggers: ["campaign", "results", "attribution", "ROI", "increase"],
        resolvedBy: ["what happened last time", "what went wrong", "case study", "retailer like you", "pilot in a few stores", "measure it"],
        concession: "A pilot in a handful of stores with a clear measure would be fair.",
      },
      {
        key: "timing",
        raise: "Our holiday season starts in six weeks. We're not changing anything before January.",
        triggers: ["launch", "roll out", "start", "implement", "timeline"],
        resolvedBy: ["start in January", "plan now", "after the holidays", "ready for January", "no work during"],
        concession: "Planning now for a January start makes sense.",
      },
    ],
  }),
  persona({
    id: "builtin_insurance_agency_owner",
    name: "Tom Brennan",
    role: "Agency owner",
    company: "Brennan Insurance Group",
    industry: "Insurance",
    personality: "skeptical",
    painPoints: [
      "Renewals slip because my producers forget to call clients back.",
      "Leads from our website sit for days before anyone calls them.",
      "Compliance wants every client conversation logged, and we do it by hand.",
    ],
    budget: "We're a twelve-person agency. If it's under a thousand a month, it's my call.",
    authority: "decision_maker",
    voice: "awb",
    objections: [
      {
        key: "price",
        raise: "A thousand a month is a lot for an agency our size.",
        triggers: ["price", "cost", "pricing", "per month", "investment"],
        resolvedBy: ["one renewal", "pays for itself", "lost renewal", "annual plan", "start smaller", "per producer"],
        concession: "If keeping one renewal a month covers it, that's an easier sell.",
      },
      {
        key: "compliance",
        raise: "I can't have client information going somewhere I don't control.",
        triggers: ["record", "recording", "data", "cloud", "client information"],
        resolvedBy: ["encrypted", "you control", "delete on request", "data stays", "audit log"],
        concession: "Encrypted, and deleted on request. Okay, that's what compliance asks for.",
      },
      {
        key: "incumbent",
        raise: "Our agency management system already sends reminders.",
        triggers: ["reminder", "follow up", "automate", "CRM"],
        resolvedBy: ["how well does that work", "how many renewals", "works with your", "on top of your", "what happens when"],
        concession: "True, the reminders mostly get ignored. Go on.",
      },
      {
        key: "think_about_it",
        raise: "Let me think about it and get back to you.",
        triggers: [],
        resolvedBy: ["what would you need to see", "what's holding you back", "what specifically", "what concerns you"],
        concession: "What I'd need is proof from another agency. If you have that, I'm listening.",
      },
    ],
  }),
];

/** The built-in scenarios: one per scenario type, each with a rubric. */
export const BUILTIN_SCENARIOS: readonly ScenarioDto[] = [
  scenario({
    id: "builtin_cold_call_book_meeting",
    name: "Cold call: book a discovery meeting",
    type: "cold_call",
    goal: "Get past the brush-off and book a twenty-minute discovery meeting.",
    successCriteria: [
      "Say who you are and why you're calling in under thirty seconds",
      "Handle the brush-off without arguing",
      "Book a meeting with a day and a time",
    ],
    nextStep: ["book a meeting", "schedule a call", "put something in the calendar", "twenty minutes next week", "set up a time"],
    timeLimitSec: 300,
    difficulty: "medium",
    rubric: [
      {
        key: "permission_opener",
        label: "Permission-based opener",
        weight: 20,
        evidence: ["do you have a minute", "catch you at a bad time", "reason for my call", "the reason I'm calling", "thirty seconds"],
      },
      {
        key: "relevance",
        label: "A reason that matters to them",
        weight: 25,
        evidence: ["companies like yours", "we help", "we work with", "teams like yours"],
      },
      { key: "brush_off", label: "Handle the brush-off", weight: 25, evidence: ["quick question", "two minutes", "better time", "I'll be brief"] },
      {
        key: "ask_meeting",
        label: "Ask for the meeting",
        weight: 30,
        evidence: ["book a meeting", "schedule a call", "put something in the calendar", "twenty minutes"],
      },
    ],
    personaId: "builtin_logistics_ops_manager",
    openingLine: "{company}, this is {firstName}.",
  }),
  scenario({
    id: "builtin_discovery_uncover_pain",
    name: "Discovery: uncover pain, budget and the decision",
    type: "discovery",
    goal: "Understand the top problems, what they cost, the budget and who decides, before proposing anything.",
    successCriteria: ["Find at least two problems and what they cost", "Learn the budget", "Learn who signs off", "Agree a demo"],
    nextStep: ["book a demo", "schedule a demo", "show you a demo", "follow up meeting", "send a proposal"],
    timeLimitSec: 600,
    difficulty: "medium",
    rubric: [
      { key: "agenda", label: "Set an agenda", weight: 15, evidence: ["agenda", "what I'd like to cover", "by the end of the call", "does that work for you"] },
      {
        key: "pain",
        label: "Uncover the pain",
        weight: 30,
        evidence: ["biggest challenge", "what's not working", "walk me through", "tell me about", "how do you handle"],
      },
      { key: "impact", label: "Put a number on it", weight: 20, evidence: ["how much time", "what does that cost", "how often", "how many"] },
      { key: "budget", label: "Ask about budget", weight: 15, evidence: ["budget", "set aside", "investment"] },
      { key: "decision", label: "Map the decision", weight: 20, evidence: ["who else", "decision process", "sign off", "who would need to"] },
    ],
    personaId: "builtin_saas_it_director",
    openingLine: "Hi, {firstName} here. I've got about twenty minutes. What did you want to cover?",
  }),
  scenario({
    id: "builtin_demo_follow_up_pilot",
    name: "Demo follow-up: agree a pilot",
    type: "demo_follow_up",
    goal: "Recap what mattered in the demo, check for concerns, and agree a pilot with a start date.",
    successCriteria: ["Recap their priorities in their words", "Surface any concern", "Agree how success is measured", "Agree a pilot start date"],
    nextStep: ["start a pilot", "run a trial", "kick off", "pick a start date", "send over the agreement"],
    timeLimitSec: 480,
    difficulty: "easy",
    rubric: [
      { key: "recap", label: "Recap their priorities", weight: 25, evidence: ["you mentioned", "you said", "what stood out", "last week you told me"] },
      {
        key: "concerns",
        label: "Check for concerns",
        weight: 25,
        evidence: ["any concerns", "what's holding you back", "questions from your team", "anything that worries you"],
      },
      {
        key: "success_measure",
        label: "Agree how success is measured",
        weight: 25,
        evidence: ["measure success", "what would success look like", "how will we know", "target"],
      },
      { key: "propose_pilot", label: "Propose the pilot", weight: 25, evidence: ["start a pilot", "trial", "kick off", "start date"] },
    ],
    personaId: "builtin_retail_marketing_head",
    openingLine: "Hi, {firstName} speaking. Thanks again for the demo last week.",
  }),
  scenario({
    id: "builtin_objection_handling_drill",
    name: "Objection drill: price, trust and the incumbent",
    type: "objection_handling",
    goal: "Handle every objection with a question first, then evidence, and still agree a follow-up.",
    successCriteria: ["Acknowledge each objection", "Ask what's behind it", "Answer with evidence", "Check it's resolved", "Agree a follow-up"],
    nextStep: ["schedule a follow up", "book a time", "meet next week", "follow up call", "set up a call"],
    timeLimitSec: 420,
    difficulty: "hard",
    rubric: [
      { key: "acknowledge", label: "Acknowledge before answering", weight: 20, evidence: ["I understand", "that's fair", "makes sense", "I hear you"] },
      {
        key: "clarify",
        label: "Ask what's behind it",
        weight: 25,
        evidence: ["what specifically", "help me understand", "can I ask why", "what would you need"],
      },
      { key: "evidence", label: "Answer with evidence", weight: 30, evidence: ["case study", "another agency", "for example", "on average", "our customers"] },
      {
        key: "confirm",
        label: "Check it's resolved",
        weight: 25,
        evidence: ["does that address", "does that answer", "does that help", "how does that sound"],
      },
    ],
    personaId: "builtin_insurance_agency_owner",
    openingLine: "{firstName} here. You've got a few minutes. Convince me.",
  }),
  scenario({
    id: "builtin_closing_start_date",
    name: "Closing: agree the start date",
    type: "closing",
    goal: "Confirm the proposal fits, handle the last concerns and get a yes with a start date.",
    successCriteria: ["Summarise the value in their words", "Trial close", "Handle the last concern", "Get a yes and a start date"],
    nextStep: ["send the agreement", "get started", "move forward", "pick a start date", "sign today"],
    timeLimitSec: 480,
    difficulty: "medium",
    rubric: [
      { key: "summarise", label: "Summarise the value", weight: 25, evidence: ["you told me", "to recap", "so you get", "that means"] },
      { key: "trial_close", label: "Trial close", weight: 20, evidence: ["how does that sound", "does that make sense", "on a scale", "anything stopping"] },
      {
        key: "last_concern",
        label: "Handle the last concern",
        weight: 20,
        evidence: ["anything else", "what would stop", "any other questions", "what concerns"],
      },
      { key: "ask", label: "Ask for the business", weight: 35, evidence: ["are you ready", "shall we", "get started", "start date", "send the agreement"] },
    ],
    personaId: "builtin_dental_practice_owner",
    openingLine: "Hi, this is {firstName}. I got your proposal.",
  }),
  scenario({
    id: "builtin_renewal_save",
    name: "Renewal at risk: save the account",
    type: "renewal",
    goal: "Let the customer vent, find the real reason they're unhappy, and agree a review meeting before the renewal date.",
    successCriteria: ["Let them finish before answering", "Find the root cause", "Show the value delivered so far", "Agree a review meeting"],
    nextStep: ["review meeting", "account review", "success plan", "meet before the renewal", "schedule a review"],
    timeLimitSec: 600,
    difficulty: "hard",
    rubric: [
      { key: "listen", label: "Let them vent", weight: 20, evidence: ["I'm sorry", "I understand", "tell me more", "that must be"] },
      { key: "root_cause", label: "Find the real reason", weight: 25, evidence: ["what happened", "when did", "what changed", "what would need to"] },
      { key: "value", label: "Show the value delivered", weight: 25, evidence: ["this year you", "saved", "usage", "results so far"] },
      { key: "plan", label: "Propose a plan", weight: 30, evidence: ["success plan", "review meeting", "here's what we'll do", "action plan"] },
    ],
    personaId: "builtin_manufacturing_procurement",
    openingLine: "{firstName}. I assume this is about the renewal. I'm not happy.",
  }),
];

export const builtInPersona = (id: string): PersonaDto | undefined => BUILTIN_PERSONAS.find((p) => p.id === id);
export const builtInScenario = (id: string): ScenarioDto | undefined => BUILTIN_SCENARIOS.find((s) => s.id === id);

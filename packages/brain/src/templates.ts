import { businessConfigSchema, businessSuggestionsSchema } from "@orbis/contracts";
import type { BusinessConfig, BusinessConfigInput, BusinessSuggestions, BusinessTemplate, BusinessTemplateId } from "@orbis/contracts";

const weekdays = (open: string, close: string) => ({
  mon: [{ open, close }],
  tue: [{ open, close }],
  wed: [{ open, close }],
  thu: [{ open, close }],
  fri: [{ open, close }],
});

const usHolidays = (year: number) => [
  { date: `${year}-01-01`, name: "New Year's Day" },
  { date: `${year}-07-04`, name: "Independence Day" },
  { date: `${year}-12-24`, name: "Christmas Eve", hours: [{ open: "09:00", close: "12:00" }] },
  { date: `${year}-12-25`, name: "Christmas Day" },
];
const holidays = [...usHolidays(2026), ...usHolidays(2027)];

const RECEPTIONIST_PROMPT = (what: string) =>
  `You are the friendly phone receptionist of the business described in the facts you are given. ${what} Keep answers to one or two short sentences, ` +
  "because they are spoken aloud. Use the tools to check availability before offering times, and confirm the service, " +
  "day, time, name and phone number before booking. Never invent prices or hours: answer from the business facts. " +
  "If the caller asks for a person, or you cannot help, transfer the call or take a message.";

const dental: BusinessConfigInput = {
  name: "Bright Smile Dental",
  timezone: "America/New_York",
  phone: "+12125550100",
  email: "frontdesk@brightsmile.example",
  website: "https://brightsmile.example",
  address: {
    line1: "120 Main Street",
    line2: "Suite 200",
    city: "Springfield",
    region: "NY",
    postalCode: "10001",
    directions: "We're on the second floor, above the pharmacy.",
  },
  hours: {
    ...weekdays("08:00", "17:00"),
    thu: [
      { open: "08:00", close: "12:00" },
      { open: "13:00", close: "19:00" },
    ],
    sat: [{ open: "09:00", close: "13:00" }],
  },
  closures: holidays,
  services: [
    {
      id: "cleaning",
      name: "Cleaning",
      synonyms: ["teeth cleaning", "hygiene visit", "checkup", "check up", "check-up"],
      durationMin: 60,
      priceCents: 12000,
      bufferMin: 15,
      staffIds: ["maria", "tom"],
    },
    {
      id: "exam",
      name: "New patient exam",
      synonyms: ["exam", "new patient", "consultation", "x-rays", "x rays"],
      durationMin: 45,
      priceCents: 9500,
      bufferMin: 15,
      staffIds: ["dr-lee", "dr-patel"],
    },
    {
      id: "filling",
      name: "Filling",
      synonyms: ["cavity", "fillings"],
      durationMin: 60,
      priceCents: 18000,
      priceIsFrom: true,
      bufferMin: 15,
      staffIds: ["dr-lee", "dr-patel"],
    },
    {
      id: "whitening",
      name: "Teeth whitening",
      synonyms: ["whitening", "bleaching"],
      durationMin: 90,
      priceCents: 35000,
      bufferMin: 15,
      staffIds: ["dr-patel"],
    },
    {
      id: "emergency",
      name: "Emergency visit",
      synonyms: ["toothache", "tooth ache", "broken tooth", "emergency"],
      durationMin: 30,
      priceCents: 15000,
      priceIsFrom: true,
      bufferMin: 0,
      staffIds: ["dr-lee", "dr-patel"],
    },
  ],
  staff: [
    { id: "dr-lee", name: "Dr. Lee", role: "Dentist", serviceIds: ["exam", "filling", "emergency"] },
    { id: "dr-patel", name: "Dr. Patel", role: "Dentist", serviceIds: ["exam", "filling", "whitening", "emergency"] },
    { id: "maria", name: "Maria", role: "Hygienist", serviceIds: ["cleaning"] },
    { id: "tom", name: "Tom", role: "Hygienist", serviceIds: ["cleaning"] },
  ],
  faqs: [
    {
      question: "Do you take insurance?",
      answer: "Yes, we accept most PPO plans, including Delta Dental, Cigna and Aetna. Bring your card to your visit.",
      keywords: ["insurance", "ppo", "delta", "cigna", "aetna", "medicaid"],
    },
    { question: "Where can I park?", answer: "There's free parking behind the building, and street parking nearby.", keywords: ["park", "parking"] },
    { question: "Do you see children?", answer: "Yes, we see children from age three.", keywords: ["children", "kids", "child", "son", "daughter"] },
    {
      question: "Are you taking new patients?",
      answer: "Yes, we're welcoming new patients. A first visit is a new patient exam with X-rays, about forty-five minutes.",
      keywords: ["new patients", "taking patients", "accepting patients", "take patients"],
    },
    {
      question: "Do you offer payment plans?",
      answer: "Yes, we offer interest-free payment plans for treatments over five hundred dollars.",
      keywords: ["payment plan", "financing", "pay monthly"],
    },
  ],
  escalationPhone: "+12125550199",
  booking: { slotStepMin: 30, minNoticeMin: 120, maxDaysAhead: 90 },
};

const homeServices: BusinessConfigInput = {
  name: "Rapid Flow Plumbing and Heating",
  timezone: "America/Chicago",
  phone: "+13125550142",
  email: "service@rapidflow.example",
  address: { line1: "4400 Industrial Parkway", city: "Chicago", region: "IL", postalCode: "60609", directions: "" },
  hours: { ...weekdays("07:00", "18:00"), sat: [{ open: "08:00", close: "14:00" }] },
  closures: holidays.filter((h) => !h.hours),
  services: [
    {
      id: "diagnostic",
      name: "Diagnostic visit",
      synonyms: ["service call", "estimate", "diagnosis", "inspection", "someone to take a look"],
      durationMin: 60,
      priceCents: 8900,
      bufferMin: 30,
      staffIds: ["mike", "jen", "carlos"],
    },
    {
      id: "drain",
      name: "Drain cleaning",
      synonyms: ["clogged drain", "clog", "drain", "backed up sink", "clogged toilet"],
      durationMin: 90,
      priceCents: 17500,
      priceIsFrom: true,
      bufferMin: 30,
      staffIds: ["mike", "carlos"],
    },
    {
      id: "water-heater",
      name: "Water heater repair",
      synonyms: ["water heater", "hot water", "no hot water", "water heater installation"],
      durationMin: 120,
      priceCents: 22500,
      priceIsFrom: true,
      bufferMin: 30,
      staffIds: ["mike", "jen"],
    },
    {
      id: "ac-tuneup",
      name: "AC tune-up",
      synonyms: ["ac tune up", "air conditioning", "ac service", "ac", "cooling"],
      durationMin: 90,
      priceCents: 12900,
      bufferMin: 30,
      staffIds: ["jen", "carlos"],
    },
    {
      id: "furnace",
      name: "Furnace repair",
      synonyms: ["furnace", "heating", "heater", "no heat", "boiler"],
      durationMin: 120,
      priceCents: 14900,
      priceIsFrom: true,
      bufferMin: 30,
      staffIds: ["jen", "carlos"],
    },
  ],
  staff: [
    { id: "mike", name: "Mike", role: "Master plumber", serviceIds: [] },
    { id: "jen", name: "Jen", role: "HVAC technician", serviceIds: [] },
    { id: "carlos", name: "Carlos", role: "Technician", serviceIds: [] },
  ],
  faqs: [
    {
      question: "Do you offer emergency service?",
      answer:
        "Yes, we have a technician on call around the clock for emergencies like burst pipes or no heat. Say it's an emergency and I'll get a message to them right away.",
      keywords: ["emergency", "24 hour", "after hours", "burst", "weekend"],
    },
    {
      question: "What areas do you serve?",
      answer: "We serve Chicago and the nearby suburbs within about 25 miles.",
      keywords: ["area", "areas", "serve", "suburbs", "come to"],
    },
    {
      question: "Are you licensed and insured?",
      answer: "Yes, we're fully licensed, bonded and insured.",
      keywords: ["licensed", "insured", "bonded", "license"],
    },
    {
      question: "Do you give free estimates?",
      answer: "The diagnostic visit is $89, and it's credited toward the repair if you go ahead with it.",
      keywords: ["free estimate", "estimate", "quote"],
    },
  ],
  escalationPhone: "+13125550143",
  booking: { slotStepMin: 60, minNoticeMin: 60, maxDaysAhead: 30 },
};

const autoRepair: BusinessConfigInput = {
  name: "Midtown Auto Care",
  timezone: "America/Denver",
  phone: "+13035550177",
  address: { line1: "88 Colfax Avenue", city: "Denver", region: "CO", postalCode: "80202", directions: "Pull into the bay on the left side of the building." },
  hours: { ...weekdays("07:30", "17:30"), sat: [{ open: "08:00", close: "12:00" }] },
  closures: holidays,
  services: [
    {
      id: "oil-change",
      name: "Oil change",
      synonyms: ["oil", "lube", "synthetic oil change"],
      durationMin: 30,
      priceCents: 4999,
      priceIsFrom: true,
      bufferMin: 0,
      staffIds: ["bay-1", "bay-2"],
    },
    {
      id: "brakes",
      name: "Brake service",
      synonyms: ["brakes", "brake pads", "brake job", "squeaky brakes", "rotors"],
      durationMin: 120,
      priceCents: 19900,
      priceIsFrom: true,
      bufferMin: 0,
      staffIds: ["bay-1", "bay-2"],
    },
    {
      id: "tires",
      name: "Tire rotation",
      synonyms: ["tires", "tire", "rotation", "flat tire", "tire balance"],
      durationMin: 45,
      priceCents: 3500,
      bufferMin: 0,
      staffIds: ["bay-1", "bay-2"],
    },
    {
      id: "diagnostic",
      name: "Check engine diagnostic",
      synonyms: ["check engine light", "diagnostic", "engine light", "strange noise", "noise"],
      durationMin: 60,
      priceCents: 12000,
      bufferMin: 0,
      staffIds: ["bay-1"],
    },
    {
      id: "inspection",
      name: "Emissions inspection",
      synonyms: ["emissions", "smog check", "inspection", "emissions test"],
      durationMin: 30,
      priceCents: 2500,
      bufferMin: 0,
      staffIds: ["bay-2"],
    },
  ],
  staff: [
    { id: "bay-1", name: "Bay One", role: "Service bay (Rick)", serviceIds: [] },
    { id: "bay-2", name: "Bay Two", role: "Service bay (Dana)", serviceIds: [] },
  ],
  faqs: [
    {
      question: "Do you offer loaner cars or a shuttle?",
      answer: "We run a free shuttle within five miles, and we have two loaner cars for longer repairs. Ask when you drop off.",
      keywords: ["loaner", "shuttle", "ride", "rental"],
    },
    {
      question: "Can I wait while my car is serviced?",
      answer: "Yes, our waiting room has wifi and coffee. Oil changes usually take about thirty minutes.",
      keywords: ["wait", "waiting", "wifi", "how long"],
    },
    {
      question: "Do you offer a warranty?",
      answer: "Our repairs come with a two-year, twenty-four-thousand-mile warranty on parts and labor.",
      keywords: ["warranty", "guarantee"],
    },
    {
      question: "Which vehicles do you service?",
      answer: "We service all makes and models of cars and light trucks, including hybrids.",
      keywords: ["make", "model", "hybrid", "truck", "toyota", "ford", "honda", "bmw"],
    },
  ],
  escalationPhone: "+13035550178",
  booking: { slotStepMin: 30, minNoticeMin: 60, maxDaysAhead: 45 },
};

const salon: BusinessConfigInput = {
  name: "Luna Salon and Spa",
  timezone: "America/Los_Angeles",
  phone: "+14155550123",
  address: { line1: "250 Valencia Street", city: "San Francisco", region: "CA", postalCode: "94103", directions: "" },
  hours: {
    tue: [{ open: "10:00", close: "19:00" }],
    wed: [{ open: "10:00", close: "19:00" }],
    thu: [{ open: "10:00", close: "20:00" }],
    fri: [{ open: "10:00", close: "20:00" }],
    sat: [{ open: "09:00", close: "18:00" }],
    sun: [{ open: "10:00", close: "16:00" }],
  },
  closures: holidays,
  services: [
    {
      id: "haircut",
      name: "Haircut",
      synonyms: ["cut", "trim", "women's haircut", "mens haircut", "men's haircut", "hair cut"],
      durationMin: 45,
      priceCents: 6500,
      priceIsFrom: true,
      bufferMin: 15,
      staffIds: ["sofia", "jay", "ana"],
    },
    {
      id: "color",
      name: "Color",
      synonyms: ["hair color", "coloring", "dye", "highlights", "balayage", "root touch up"],
      durationMin: 120,
      priceCents: 12000,
      priceIsFrom: true,
      bufferMin: 15,
      staffIds: ["sofia", "ana"],
    },
    {
      id: "blowout",
      name: "Blowout",
      synonyms: ["blow dry", "blow out", "styling"],
      durationMin: 45,
      priceCents: 5000,
      bufferMin: 15,
      staffIds: ["sofia", "jay", "ana"],
    },
    {
      id: "massage",
      name: "Massage",
      synonyms: ["massage", "deep tissue", "swedish massage", "hot stone"],
      durationMin: 60,
      priceCents: 11000,
      bufferMin: 15,
      staffIds: ["grace"],
    },
    { id: "facial", name: "Facial", synonyms: ["facial", "skin care", "skincare"], durationMin: 60, priceCents: 9500, bufferMin: 15, staffIds: ["grace"] },
    {
      id: "manicure",
      name: "Manicure",
      synonyms: ["nails", "mani", "gel manicure", "pedicure", "mani pedi"],
      durationMin: 45,
      priceCents: 4000,
      bufferMin: 15,
      staffIds: ["ana"],
    },
  ],
  staff: [
    { id: "sofia", name: "Sofia", role: "Senior stylist", serviceIds: [] },
    { id: "jay", name: "Jay", role: "Stylist", serviceIds: [] },
    { id: "ana", name: "Ana", role: "Stylist and nail artist", serviceIds: [] },
    { id: "grace", name: "Grace", role: "Massage therapist and esthetician", serviceIds: [] },
  ],
  faqs: [
    {
      question: "What is your cancellation policy?",
      answer: "Please give us twenty-four hours notice to cancel. Late cancellations may be charged half the service price.",
      keywords: ["cancellation policy", "late", "no show", "policy"],
    },
    {
      question: "Do you sell gift cards?",
      answer: "Yes, gift cards are available at the front desk and on our website in any amount.",
      keywords: ["gift card", "gift cards", "gift certificate", "voucher"],
    },
    {
      question: "Do you take walk-ins?",
      answer: "We take walk-ins when a stylist is free, but booking ahead is the best way to get a spot.",
      keywords: ["walk in", "walk-in", "walk ins", "walkin"],
    },
  ],
  escalationPhone: null,
  booking: { slotStepMin: 15, minNoticeMin: 60, maxDaysAhead: 60 },
};

const generic: BusinessConfigInput = {
  name: "Harbor Consulting",
  timezone: "America/New_York",
  phone: "+16175550160",
  address: { line1: "1 Harbor Plaza", city: "Boston", region: "MA", postalCode: "02110", directions: "" },
  hours: weekdays("09:00", "17:00"),
  closures: holidays.filter((h) => !h.hours),
  services: [
    {
      id: "consultation",
      name: "Consultation",
      synonyms: ["meeting", "appointment", "call", "intro call", "first meeting"],
      durationMin: 30,
      priceCents: null,
      bufferMin: 15,
      staffIds: [],
    },
    {
      id: "follow-up",
      name: "Follow-up meeting",
      synonyms: ["follow up", "follow-up", "followup", "second meeting"],
      durationMin: 60,
      priceCents: 15000,
      bufferMin: 15,
      staffIds: [],
    },
  ],
  staff: [],
  faqs: [
    {
      question: "Is the first consultation free?",
      answer: "Yes, the first thirty-minute consultation is free.",
      keywords: ["free", "first consultation", "cost of consultation"],
    },
    {
      question: "Can we meet online?",
      answer: "Yes, every meeting can be held by video call instead of in person.",
      keywords: ["online", "video", "zoom", "remote", "virtual"],
    },
  ],
  escalationPhone: "+16175550161",
  booking: { slotStepMin: 30, minNoticeMin: 60, maxDaysAhead: 60 },
};

/** The example's FAQ answers that name its town, said place-neutrally in the suggestions. */
const PLACE_NEUTRAL_ANSWERS: Record<string, string> = {
  "What areas do you serve?": "We serve homes and businesses within about 25 miles of our shop.",
};

const raw: Array<{ id: BusinessTemplateId; label: string; description: string; agentName: string; role: string; business: BusinessConfigInput }> = [
  {
    id: "dental",
    label: "Dental practice",
    description: "Cleanings, exams and emergencies with dentists and hygienists.",
    agentName: "Dental receptionist",
    role: "You book cleanings, exams and emergency visits for patients.",
    business: dental,
  },
  {
    id: "home_services",
    label: "HVAC and plumbing",
    description: "Service calls with technicians, travel buffers and urgent messages.",
    agentName: "Dispatch receptionist",
    role: "You book service calls and take urgent messages for the on-call technician.",
    business: homeServices,
  },
  {
    id: "auto_repair",
    label: "Auto repair shop",
    description: "Oil changes, brakes and diagnostics across service bays.",
    agentName: "Service desk",
    role: "You book service appointments for cars and answer questions about the shop.",
    business: autoRepair,
  },
  {
    id: "salon_spa",
    label: "Salon and spa",
    description: "Haircuts, color, massage and nails with stylists and therapists.",
    agentName: "Salon front desk",
    role: "You book hair, spa and nail appointments with the right stylist or therapist.",
    business: salon,
  },
  {
    id: "generic",
    label: "Generic business",
    description: "A simple appointment-based business with one calendar.",
    agentName: "Receptionist",
    role: "You answer questions and book meetings.",
    business: generic,
  },
];

/** A template's suggestions: the sample's hours, closures, services (without staff), FAQs and booking rules. */
function suggestionsOf(sample: BusinessConfig): BusinessSuggestions {
  return businessSuggestionsSchema.parse({
    hours: sample.hours,
    closures: sample.closures,
    services: sample.services.map((s) => ({ ...s, staffIds: [] })),
    faqs: sample.faqs.map((f) => ({ ...f, answer: PLACE_NEUTRAL_ANSWERS[f.question] ?? f.answer })),
    booking: sample.booking,
  });
}

/**
 * A template together with its worked example: `business` is a fictional business (name, address,
 * staff…) for demos, tests and benchmarks. It never reaches a tenant's agent: what is offered to users
 * (GET /v1/templates, `BUSINESS_TEMPLATES`) is the suggestions only.
 */
interface SampleBusinessTemplate extends BusinessTemplate {
  business: BusinessConfig;
}

const SAMPLES: readonly SampleBusinessTemplate[] = raw.map((t) => {
  const business = businessConfigSchema.parse(t.business);
  return {
    id: t.id,
    label: t.label,
    description: t.description,
    agent: { name: t.agentName, systemPrompt: RECEPTIONIST_PROMPT(t.role) },
    suggestions: suggestionsOf(business),
    business,
  };
});

/** The vertical templates offered when an agent is created (GET /v1/templates): suggestions, no facts. */
export const BUSINESS_TEMPLATES: readonly BusinessTemplate[] = SAMPLES.map(({ business: _sample, ...template }) => template);

/** The template with its fictional example business (demos, tests, benchmarks). */
export function getBusinessTemplate(id: BusinessTemplateId): SampleBusinessTemplate {
  const t = SAMPLES.find((x) => x.id === id);
  if (!t) throw new Error(`unknown template ${id}`);
  return structuredClone(t);
}

/** The business's own facts; everything else comes from the template's suggestions. */
export interface BusinessFacts {
  name: string;
  timezone: string;
  phone?: string;
  email?: string;
  website?: string;
  escalationPhone?: string | null;
}

/**
 * A business config for an agent created from a template: the caller-facing facts are the business's
 * own; the template adds only its suggested hours, closures, services, FAQs and booking rules.
 */
export function businessFromTemplate(template: BusinessTemplate, facts: BusinessFacts): BusinessConfig {
  return businessConfigSchema.parse({
    ...structuredClone(template.suggestions),
    name: facts.name,
    timezone: facts.timezone,
    phone: facts.phone ?? "",
    email: facts.email ?? "",
    website: facts.website ?? "",
    address: null,
    staff: [],
    escalationPhone: facts.escalationPhone ?? null,
  });
}

/** Front-end variants the recognition bench compares (bench/telephony/recognition.bench.ts). */
export interface RecognitionVariant {
  name: string;
  /** "wide": the browser stream's 16 kHz audio; "phone": 8 kHz μ-law carried to 16 kHz. */
  path: "wide" | "phone";
  /** Band-fill amplitude on the phone path (PHONE_BAND_FILL; default 0). */
  bandFill?: number;
  /** Spectral folding strength on the phone path (0: none). */
  fold?: number;
  /** Front-end parameters replaced in the acoustic model's feat.params (pocketsphinx reads them over the command line). */
  frontEnd?: Record<string, string>;
  /** The recogniser is told what the receptionist expects next and switches to that answer model. */
  expect?: boolean;
  /** Only these expectations switch to their answer model (default: every one). */
  expectOnly?: string[];
  /** The answer models' weight (buildDomainLm's answerShare). */
  answerShare?: number;
}

/** A phone line's live cepstral mean, folded as the gateway does: what phone calls start from (engines.ts). */
const PHONE_CMN = { "-cmninit": "46.30,7.90,-1.86,4.81,3.06,-16.06,12.52,-14.00,-0.35,5.27,-7.62,8.91,-5.02" };
/** The same without folding. */
const PHONE_CMN_UNFOLDED = { "-cmninit": "39.39,31.62,-33.71,36.44,-20.35,-5.57,15.17,-25.90,14.63,-6.67,-2.67,11.63,-13.13" };

export const PHONE_RECOGNITION_VARIANTS: RecognitionVariant[] = [
  // The browser stream: the domain model alone, then with the answer models (what web calls run).
  { name: "web-plain", path: "wide" },
  { name: "web", path: "wide", expect: true },
  // The phone path as it was: band fill 0.02, the wideband mean.
  { name: "phone-band-fill", path: "phone", bandFill: 0.02 },
  { name: "phone-no-fill", path: "phone" },
  { name: "phone-no-fill-mean", path: "phone", frontEnd: PHONE_CMN_UNFOLDED },
  { name: "phone-folded", path: "phone", fold: 0.3 },
  // What phone calls run: folded, the phone mean, the domain model alone.
  { name: "phone", path: "phone", fold: 0.3, frontEnd: PHONE_CMN },
  { name: "phone-answers", path: "phone", fold: 0.3, frontEnd: PHONE_CMN, expect: true },
  { name: "phone-answers-yes-no", path: "phone", fold: 0.3, frontEnd: PHONE_CMN, expect: true, expectOnly: ["yes_no"] },
  { name: "phone-answers-when", path: "phone", fold: 0.3, frontEnd: PHONE_CMN, expect: true, expectOnly: ["date", "time"] },
  { name: "phone-answers-name", path: "phone", fold: 0.3, frontEnd: PHONE_CMN, expect: true, expectOnly: ["name", "spelling"] },
  { name: "phone-answers-digits", path: "phone", fold: 0.3, frontEnd: PHONE_CMN, expect: true, expectOnly: ["phone", "digits"] },
];

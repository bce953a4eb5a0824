/** Front-end variants the recognition bench compares (bench/telephony/recognition.bench.ts). */
export interface RecognitionVariant {
  name: string;
  /** "wide": the browser stream's 16 kHz audio; "phone": 8 kHz μ-law carried to 16 kHz. */
  path: "wide" | "phone";
  /** Band-fill amplitude on the phone path (the gateway's PHONE_BAND_FILL, default 0.02). */
  bandFill?: number;
  /** Front-end parameters replaced in the acoustic model's feat.params (pocketsphinx reads them over the command line). */
  frontEnd?: Record<string, string>;
  /** The recogniser is told what the receptionist expects next and switches to that answer model. */
  expect?: boolean;
}

const PHONE_CMN = { "-cmninit": "56.91,-8.44,3.77,0.14,-0.04,-4.55,-1.49,-5.06,-2.68,0.53,-0.14,0.42,-1.18" };

export const PHONE_RECOGNITION_VARIANTS: RecognitionVariant[] = [
  { name: "web", path: "wide" },
  { name: "web-expect", path: "wide", expect: true },
  { name: "phone", path: "phone" },
  { name: "phone-cmn", path: "phone", frontEnd: PHONE_CMN },
  { name: "phone-expect", path: "phone", expect: true },
  { name: "phone-cmn-expect", path: "phone", frontEnd: PHONE_CMN, expect: true },
  { name: "phone-nofill", path: "phone", bandFill: 0 },
  {
    name: "phone-nofill-cmn",
    path: "phone",
    bandFill: 0,
    frontEnd: { "-cmninit": "39.39,31.62,-33.71,36.44,-20.35,-5.57,15.17,-25.90,14.63,-6.67,-2.67,11.63,-13.13" },
  },
  { name: "phone-cmn2", path: "phone", frontEnd: { "-cmninit": "57.43,-13.06,5.91,-3.58,-1.73,-5.95,-1.09,-4.50,-2.23,0.34,0.07,0.70,0.55" } },
  {
    name: "phone-nofill-cmn-expect",
    path: "phone",
    bandFill: 0,
    expect: true,
    frontEnd: { "-cmninit": "39.39,31.62,-33.71,36.44,-20.35,-5.57,15.17,-25.90,14.63,-6.67,-2.67,11.63,-13.13" },
  },
  { name: "phone-fill05", path: "phone", bandFill: 0.05 },
  { name: "phone-upperf3800", path: "phone", frontEnd: { "-upperf": "3800", "-nfilt": "22" } },
  { name: "phone-upperf4000", path: "phone", frontEnd: { "-upperf": "4000" } },
];

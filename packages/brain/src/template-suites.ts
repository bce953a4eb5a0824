import type { BusinessTemplateId, TestScenarioBody } from "@orbis/contracts";

/**
 * The test scenarios every agent created from a template starts with, written as callers speak.
 * They rest only on what the template suggests (its services, hours, FAQs and booking rules), never on
 * the business's own facts (name, phone, escalation number), and they are run on a simulated Monday at
 * 09:00, so "tomorrow" is a Tuesday. The API's CI test runs every suite against an agent made from
 * its template: all pass.
 */
export const TEMPLATE_SUITES: Readonly<Record<BusinessTemplateId, readonly TestScenarioBody[]>> = {
  dental: [
    {
      name: "Books a cleaning tomorrow at 10",
      turns: ["Hi, I'd like to book a cleaning tomorrow at 10am", "Jane Smith", "five five five, two one two, one two three four", "yes please"],
      expectations: [{ type: "appointment", service: "cleaning", weekday: "tue", time: "10:00", customerName: "Jane Smith" }, { type: "no_transfer" }],
    },
    {
      name: "Answers whether new patients are welcome, then books an exam",
      turns: ["Are you taking new patients?", "yes, I'd like to book a new patient exam", "Wednesday at 2pm", "Omar Haddad", "212 555 0147", "yes"],
      expectations: [
        { type: "says", text: "welcoming new patients" },
        { type: "appointment", service: "exam", weekday: "wed", time: "14:00", customerName: "Omar Haddad" },
      ],
    },
    {
      name: "Answers the insurance question without booking",
      turns: ["Do you take Delta Dental insurance?"],
      expectations: [
        { type: "says", text: "PPO" },
        { type: "never_says", text: "all set" },
      ],
    },
    {
      name: "Gives the opening hours",
      turns: ["What are your hours?"],
      expectations: [{ type: "says", text: "8 AM to 5 PM" }],
    },
    {
      name: "Takes a message for the dentist",
      turns: ["I'd like to leave a message for the dentist", "Please call me about my x-ray results", "Maria Garcia", "917 555 0134"],
      expectations: [{ type: "message", callerName: "Maria Garcia", callbackNumber: "917 555 0134", contains: "x-ray results" }],
    },
  ],
  home_services: [
    {
      name: "Books a drain cleaning tomorrow morning",
      turns: ["My kitchen drain is clogged, can you send someone tomorrow at 9am?", "Tom Baker", "three one two, five five five, zero one nine nine", "yes"],
      expectations: [{ type: "appointment", service: "drain", weekday: "tue", time: "09:00", customerName: "Tom Baker" }],
    },
    {
      name: "Takes an urgent message about a flood",
      turns: ["Please have someone call me back right away, my basement is flooding", "Dave Miller", "312 555 0111"],
      expectations: [{ type: "message", callerName: "Dave Miller", callbackNumber: "312 555 0111", contains: "flooding" }],
    },
    {
      name: "Lists the services",
      turns: ["What services do you offer?"],
      expectations: [
        { type: "says", text: "drain cleaning" },
        { type: "says", text: "furnace repair" },
      ],
    },
    {
      name: "Answers whether the business is licensed",
      turns: ["Are you licensed and insured?"],
      expectations: [{ type: "says", text: "licensed, bonded and insured" }],
    },
    {
      name: "Books a water heater repair on Wednesday afternoon",
      turns: ["We have no hot water, can someone come Wednesday at 1pm?", "Lena Ortiz", "312 555 0123", "yes"],
      expectations: [{ type: "appointment", service: "water-heater", weekday: "wed", time: "13:00", customerName: "Lena Ortiz" }],
    },
  ],
  auto_repair: [
    {
      name: "Books an oil change tomorrow at 8",
      turns: ["I need an oil change tomorrow at 8", "Chris Nolan", "720 555 0101", "yep"],
      expectations: [{ type: "appointment", service: "oil-change", weekday: "tue", time: "08:00", customerName: "Chris Nolan" }],
    },
    {
      name: "Books a brake job on Wednesday",
      turns: ["My brakes are squeaking, can I bring the car in Wednesday at 1pm?", "Priya Shah", "720 555 0102", "yes"],
      expectations: [{ type: "appointment", service: "brakes", weekday: "wed", time: "13:00", customerName: "Priya Shah" }],
    },
    {
      name: "Answers the warranty question",
      turns: ["Do your repairs come with a warranty?"],
      expectations: [{ type: "says", text: "two-year" }],
    },
    {
      name: "Answers the loaner car question",
      turns: ["Do you have loaner cars?"],
      expectations: [{ type: "says", text: "shuttle" }, { type: "no_transfer" }],
    },
    {
      name: "Says whether it is open on Saturday",
      turns: ["Are you open on Saturday?"],
      expectations: [{ type: "says", text: "8 AM" }],
    },
  ],
  salon_spa: [
    {
      name: "Books a haircut tomorrow at 11",
      turns: ["Hi! Could I book a haircut tomorrow at 11am?", "Zoe Kim", "415 555 0120", "sounds good"],
      expectations: [{ type: "appointment", service: "haircut", weekday: "tue", time: "11:00", customerName: "Zoe Kim" }],
    },
    {
      name: "Books a massage on Wednesday at 3",
      turns: ["I'd like a massage on Wednesday at 3", "Sara Lee", "415 555 0122", "yes"],
      expectations: [{ type: "appointment", service: "massage", weekday: "wed", time: "15:00", customerName: "Sara Lee" }],
    },
    {
      name: "Answers the gift card question",
      turns: ["Do you sell gift cards?"],
      expectations: [{ type: "says", text: "gift cards are available" }],
    },
    {
      name: "Gives the price of a manicure",
      turns: ["How much is a manicure?"],
      expectations: [{ type: "says", text: "$40" }],
    },
    {
      name: "Answers the walk-in question",
      turns: ["Do you take walk-ins?"],
      expectations: [
        { type: "says", text: "walk-ins" },
        { type: "never_says", text: "all set" },
      ],
    },
  ],
  generic: [
    {
      name: "Books a consultation on Wednesday morning",
      turns: ["Hello, I'd like to book a consultation", "Wednesday at ten thirty", "Alex Morgan", "617 555 0170", "yes"],
      expectations: [{ type: "appointment", service: "consultation", weekday: "wed", time: "10:30", customerName: "Alex Morgan" }],
    },
    {
      name: "Books a follow-up meeting tomorrow afternoon",
      turns: ["I'd like a follow-up meeting tomorrow at 2pm", "Jo March", "6175550171", "yes"],
      expectations: [{ type: "appointment", service: "follow-up", weekday: "tue", time: "14:00", customerName: "Jo March" }],
    },
    {
      name: "Says the first consultation is free",
      turns: ["Is the first consultation free?"],
      expectations: [{ type: "says", text: "free" }],
    },
    {
      name: "Offers to meet online",
      turns: ["Can we do this over zoom?"],
      expectations: [{ type: "says", text: "video call" }],
    },
    {
      name: "Takes a message",
      turns: ["Can I leave a message?", "Please send me your brochure", "Sam Lee", "617 555 0172"],
      expectations: [{ type: "message", callerName: "Sam Lee", callbackNumber: "617 555 0172", contains: "brochure" }],
    },
  ],
};

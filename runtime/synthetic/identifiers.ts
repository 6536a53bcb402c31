/**
 * Realistic identifiers for synthetic deliveries: IBANs with real check digits (ibantools), BSNs
 * and RSINs that pass the 11-check, KvK numbers, Dutch postcodes with a matching place, names.
 *
 * @module
 */
import { composeIBAN } from "ibantools";
import type { Random } from "./random.js";

const NL_BANK_CODES = [
  "ABNA",
  "INGB",
  "RABO",
  "SNSB",
  "TRIO",
  "ASNB",
  "KNAB",
  "BUNQ",
] as const;

/** A Dutch IBAN with valid check digits. */
export function dutchIban(random: Random): string {
  const bban = `${random.pick(NL_BANK_CODES)}${random.digits(10)}`;
  const iban = composeIBAN({ countryCode: "NL", bban });
  if (iban === null) throw new Error(`ibantools refused BBAN ${bban}`);
  return iban;
}

/** The same IBAN with its check digits changed, so the IBAN check fails. */
export function corruptIban(iban: string): string {
  const check = Number(iban.slice(2, 4));
  const wrong = String(check === 97 ? 2 : check + 1).padStart(2, "0");
  return `${iban.slice(0, 2)}${wrong}${iban.slice(4)}`;
}

/** Nine digits passing the 11-check with weights 9..2 and -1 (BSN) — or, with `rsin`, the same check. */
export function elevenCheckNumber(random: Random): string {
  for (;;) {
    const first = random.digits(8);
    if (first[0] === "0") continue;
    let sum = 0;
    for (let i = 0; i < 8; i++) sum += Number(first[i]) * (9 - i);
    const last = sum % 11;
    if (last === 10) continue;
    return first + String(last);
  }
}

/** Nine digits that fail the 11-check. */
export function invalidElevenCheckNumber(random: Random): string {
  const valid = elevenCheckNumber(random);
  const last = (Number(valid[8]) + 1) % 10;
  return valid.slice(0, 8) + String(last);
}

/** An eight-digit KvK number. */
export function kvkNumber(random: Random): string {
  return String(random.int(10_000_000, 99_999_999));
}

/** Postcode areas (first four digits) with the place they belong to. */
const POSTCODE_PLACES: readonly (readonly [number, number, string])[] = [
  [1011, 1109, "Amsterdam"],
  [2511, 2599, "'s-Gravenhage"],
  [3011, 3089, "Rotterdam"],
  [3511, 3585, "Utrecht"],
  [5611, 5658, "Eindhoven"],
  [9711, 9747, "Groningen"],
  [6511, 6546, "Nijmegen"],
  [7511, 7548, "Enschede"],
  [2011, 2037, "Haarlem"],
  [8011, 8043, "Zwolle"],
];
const POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ";

/** A Dutch postcode (`1234 AB`) and its place. */
export function dutchPostcode(random: Random): {
  postcode: string;
  place: string;
} {
  const [from, to, place] = random.pick(POSTCODE_PLACES);
  const letters =
    random.pick([...POSTCODE_LETTERS]) + random.pick([...POSTCODE_LETTERS]);
  return { postcode: `${random.int(from, to)} ${letters}`, place };
}

export const FIRST_NAMES = [
  "Jan",
  "Pieter",
  "Kees",
  "Willem",
  "Johannes",
  "Maria",
  "Anna",
  "Johanna",
  "Cornelia",
  "Elisabeth",
  "Sanne",
  "Daan",
  "Lotte",
  "Bram",
  "Femke",
  "Joost",
  "Ingrid",
  "Ruud",
  "Marieke",
  "Thijs",
] as const;
export const LAST_NAMES = [
  "Jansen",
  "de Vries",
  "van den Berg",
  "Bakker",
  "Visser",
  "Smit",
  "Meijer",
  "de Boer",
  "Mulder",
  "de Groot",
  "Bos",
  "Vos",
  "Peters",
  "Hendriks",
  "van Leeuwen",
  "Dekker",
  "Brouwer",
  "de Wit",
  "Dijkstra",
  "Smits",
] as const;
export const STREETS = [
  "Dorpsstraat",
  "Kerkstraat",
  "Schoolstraat",
  "Molenweg",
  "Stationsweg",
  "Julianastraat",
  "Beatrixlaan",
  "Wilhelminastraat",
  "Nieuwstraat",
  "Hoofdstraat",
] as const;
export const COMPANY_WORDS = [
  "Holding",
  "Beheer",
  "Vastgoed",
  "Techniek",
  "Advies",
  "Handel",
  "Zorg",
  "Bouw",
] as const;
export const FOREIGN = [
  { country: "BE", city: "Antwerpen", line: "Meir 12" },
  { country: "DE", city: "Köln", line: "Hohe Straße 44" },
  { country: "FR", city: "Paris", line: "12 Rue de Rivoli" },
  { country: "ES", city: "Málaga", line: "Calle Larios 3" },
  { country: "GB", city: "London", line: "10 Baker Street" },
] as const;

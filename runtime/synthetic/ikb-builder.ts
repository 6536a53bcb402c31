/**
 * Builds one clean synthetic IKB (a depositor with deposits, representatives and addresses) that
 * meets every rule of the shipped GLO rulesets. Records are raw CSV text by field name; an absent
 * field is simply not set.
 *
 * @module
 */
import type { Random } from "./random.js";
import {
  COMPANY_WORDS,
  FIRST_NAMES,
  FOREIGN,
  LAST_NAMES,
  STREETS,
  dutchIban,
  dutchPostcode,
  elevenCheckNumber,
  kvkNumber,
} from "./identifiers.js";

export type RawRecord = Record<string, string>;

/** One IKB: records per entity name, in the order they are written. */
export interface SyntheticIkb {
  key: string;
  kind: "NP" | "NNP";
  records: Record<string, RawRecord[]>;
}

/** The entities an IKB is made of, in file-writing order. */
export const IKB_ENTITIES = [
  "NP",
  "NNP",
  "RE",
  "BA",
  "AD",
  "SA",
  "UA",
] as const;

/** Day arithmetic on `YYYY-MM-DD` in UTC. */
export function addDays(date: string, days: number): string {
  const t = Date.UTC(
    Number(date.slice(0, 4)),
    Number(date.slice(5, 7)) - 1,
    Number(date.slice(8, 10)),
  );
  return new Date(t + days * 86_400_000).toISOString().slice(0, 10);
}

/** `date` moved by whole years (29 February falls back to 28 February). */
export function addYears(date: string, years: number): string {
  const year = Number(date.slice(0, 4)) + years;
  const md = date.slice(5) === "02-29" ? "02-28" : date.slice(5);
  return `${String(year).padStart(4, "0")}-${md}`;
}

/** The IKB key of the n-th depositor (1-based): sorts in generation order. */
export function ikbKey(n: number): string {
  return `C${String(n).padStart(10, "0")}`;
}

function initialsOf(firstNames: string): string {
  return firstNames
    .split(" ")
    .map((n) => `${n[0]}.`)
    .join("");
}

function money(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

export interface BuildOptions {
  rrd: string;
}

/** A natural person with all identifying data; `customerId === key` makes it the depositor. */
function naturalPerson(
  random: Random,
  key: string,
  customerId: string,
  dateOfBirth: string,
  withBsn: boolean,
): RawRecord {
  const firstNames = random.chance(0.3)
    ? `${random.pick(FIRST_NAMES)} ${random.pick(FIRST_NAMES)}`
    : random.pick(FIRST_NAMES);
  const record: RawRecord = {
    ikb_id: key,
    customer_id: customerId,
    initials: initialsOf(firstNames),
    first_names: firstNames,
    last_name: random.pick(LAST_NAMES),
    date_of_birth: dateOfBirth,
    deceased: "false",
    reliability_indicator_code: "BETROUWBAARHEID GEGARANDEERD",
  };
  if (withBsn) {
    record.identification_number = elevenCheckNumber(random);
    record.identification_country = "NL";
  }
  return record;
}

function addressOf(
  random: Random,
  key: string,
  customerId: string,
  addressId: string,
  foreign: boolean,
  records: Record<string, RawRecord[]>,
): void {
  if (foreign) {
    const abroad = random.pick(FOREIGN);
    records.AD.push({
      ikb_id: key,
      address_id: addressId,
      customer_id: customerId,
      country: abroad.country,
    });
    records.UA.push({
      ikb_id: key,
      address_id: addressId,
      customer_id: customerId,
      address_line_1: abroad.line,
      address_line_2: abroad.city,
      country: abroad.country,
    });
    return;
  }
  const { postcode, place } = dutchPostcode(random);
  records.AD.push({
    ikb_id: key,
    address_id: addressId,
    customer_id: customerId,
    country: "NL",
  });
  const sa: RawRecord = {
    ikb_id: key,
    address_id: addressId,
    customer_id: customerId,
    street: random.pick(STREETS),
    house_number: String(random.int(1, 250)),
    postal_code: postcode,
    place,
    country: "NL",
  };
  if (random.chance(0.1))
    sa.house_number_addition = random.pick(["A", "B", "bis", "1"]);
  records.SA.push(sa);
}

const PRODUCTS = [
  // Product categories of the Handboek Gegevenslevering DGS 3.2 (code list product_category).
  ["Betaalrekening", "REK-BETAAL"],
  ["Spaarrekening", "REK-SPAAR"],
  ["Internet Sparen", "REK-SPAAR"],
  ["Deposito 1 jaar", "REK-TERMIJNDEP"],
  ["Kinderspaarrekening", "REK-SPAAR"],
] as const;

/** Build the n-th clean IKB. */
export function buildIkb(
  random: Random,
  n: number,
  opts: BuildOptions,
): SyntheticIkb {
  const key = ikbKey(n);
  const records: Record<string, RawRecord[]> = {
    NP: [],
    NNP: [],
    RE: [],
    BA: [],
    AD: [],
    SA: [],
    UA: [],
  };
  const kind: "NP" | "NNP" = random.chance(0.15) ? "NNP" : "NP";
  const foreign = random.chance(0.08);
  let representatives = 0;
  let depositorName: string;

  if (kind === "NP") {
    const minor = random.chance(0.03);
    const age = minor ? random.int(1, 16) : random.int(18, 95);
    const dob = addDays(addYears(opts.rrd, -age), -random.int(0, 364));
    const person = naturalPerson(random, key, key, dob, !foreign);
    person.eligibility_indicator_code = "IN AANMERKING";
    records.NP.push(person);
    depositorName = `${person.initials} ${person.last_name}`;
    representatives = minor ? 1 : random.chance(0.08) ? 1 : 0;
  } else {
    const name = `${random.pick(LAST_NAMES)} ${random.pick(COMPANY_WORDS)} B.V.`;
    const nnp: RawRecord = {
      ikb_id: key,
      customer_id: key,
      registered_name: name,
      legal_capacity_code: "MET RECHTSPERSOONLIJKHEID",
      reliability_indicator_code: "BETROUWBAARHEID GEGARANDEERD",
      eligibility_indicator_code: "IN AANMERKING",
    };
    if (foreign) {
      const abroad = random.pick(FOREIGN);
      nnp.registered_place = abroad.city;
      nnp.registered_country = abroad.country;
      nnp.identification_number = `${abroad.country}${random.digits(9)}`;
      nnp.identification_country = abroad.country;
    } else {
      nnp.registered_place = dutchPostcode(random).place;
      nnp.registered_country = "NL";
      nnp.coc_number = kvkNumber(random);
      nnp.rsin = elevenCheckNumber(random);
    }
    records.NNP.push(nnp);
    depositorName = name;
    representatives = random.int(1, 2);
  }
  addressOf(random, key, key, `${key}-A1`, foreign, records);

  const accounts = random.int(1, 3);
  for (let a = 1; a <= accounts; a++) {
    const [label, category] =
      kind === "NNP"
        ? (["Zakelijke rekening", "REK-BETAAL"] as const)
        : random.pick(PRODUCTS);
    const joint = kind === "NP" && random.chance(0.1);
    const balanceCents = random.chance(0.05)
      ? -random.int(1, 50_000)
      : random.int(0, 15_000_000);
    const interestCents =
      balanceCents > 0 ? random.int(0, Math.min(balanceCents, 50_000)) : 0;
    const dormant = random.chance(0.02);
    const ba: RawRecord = {
      ikb_id: key,
      account_id: `${key}-B${a}`,
      bank_account_number: dutchIban(random),
      ascription: joint
        ? `${depositorName} en/of ${random.pick(FIRST_NAMES)[0]}. ${random.pick(LAST_NAMES)}`
        : depositorName,
      product_label: label,
      deposit_category: category,
      type_of_third_party_account: random.chance(0.03)
        ? "DERDENREKENING"
        : "GEEN DERDENREKENING",
      eligible: "true",
      currency: "EUR",
      balance: money(balanceCents),
      interest: money(interestCents),
      country: "NL",
      count_of_depositors: joint ? "2" : "1",
      share_percentage: joint ? "50.00" : "100.00",
      held_from_other_member_state: "false",
      account_language: "nl",
      legal_dispute: "false",
      restrictive_measures: "false",
      pledged: random.chance(0.02) ? "true" : "false",
      attached: random.chance(0.01) ? "true" : "false",
      blocked_by_local_law: "false",
      home_savings_deposit: "false",
      suspension_of_payments: "false",
      annuity_account: "false",
      bem_clause: "false",
      construction_deposit: "false",
      dormant: dormant ? "true" : "false",
      last_transaction_date: dormant
        ? addDays(opts.rrd, -random.int(760, 2000))
        : addDays(opts.rrd, -random.int(0, 60)),
    };
    records.BA.push(ba);
  }

  for (let r = 1; r <= representatives; r++) {
    const repId = `${key}-V${r}`;
    const dob = addDays(
      addYears(opts.rrd, -random.int(25, 75)),
      -random.int(0, 364),
    );
    const rep = naturalPerson(random, key, repId, dob, false);
    const depositor = records.NP[0];
    // Keep omc0014 (same last name and date of birth) out of clean data.
    if (
      depositor !== undefined &&
      depositor.date_of_birth === rep.date_of_birth
    )
      rep.date_of_birth = addDays(dob, -1);
    records.NP.push(rep);
    records.RE.push({
      ikb_id: key,
      representation_id: `${key}-R${r}`,
      representative_id: repId,
      represented_id: key,
      type_of_representation_competence: random.chance(0.8)
        ? "ZELFSTANDIG"
        : "GEZAMENLIJK",
    });
    // Every person has an address: smc0006 checks representatives too (Bijlage 4 control 3.7 c).
    addressOf(random, key, repId, `${key}-A${r + 1}`, false, records);
  }
  return { key, kind, records };
}

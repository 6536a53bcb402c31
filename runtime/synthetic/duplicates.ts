/**
 * Duplicate depositors for `regel generate --duplicate-rate`: an IKB whose depositor is an earlier
 * depositor under a new customer number (the golden triangle of dup0001 in ikb.glo 1.3.0: last
 * name, date of birth, identification number and country), with the last name spelled as another
 * system of the bank would (case, accents, tussenvoegsels moved or abbreviated), and near
 * duplicates that must not match: the same person but for one letter of the name, one day of
 * the date of birth, or another identification number.
 *
 * The silver triangle (dup0002: last name, date of birth and the structured address's postal code,
 * house number and addition) likewise: a person under a new customer number with another
 * identification number, its address the earlier person's as another system writes it
 * (`1234 AB` → `1234ab`, `12` + `A` → `12 a`); its near duplicate has the same name and date of
 * birth at another address.
 *
 * An exact duplicate gives a finding on both records (the ground truth names the earlier one in
 * its own IKB); a near duplicate gives none and is listed in `ground-truth/near-duplicates.csv`
 * with its triangle.
 *
 * @module
 */
import type { ExpectedFinding } from "./defects.js";
import {
  addDays,
  addYears,
  type RawRecord,
  type SyntheticIkb,
} from "./ikb-builder.js";
import { elevenCheckNumber } from "./identifiers.js";
import type { Random } from "./random.js";

/** A clean depositor of an earlier IKB that no duplicate has used yet. */
export interface EarlierPerson {
  ikbKey: string;
  /** A copy of its natural-person record as written. */
  record: RawRecord;
  /** A copy of its structured address, when it has one (the silver triangle). */
  address?: RawRecord;
}

/** A near duplicate: the IKB, the earlier IKB it resembles, and how it differs. */
export interface NearDuplicate {
  ikbKey: string;
  earlierIkbKey: string;
  differs: "last_name" | "date_of_birth" | "identification_number" | "address";
  /** The triangle it nearly matches: `golden` (dup0001) or `silver` (dup0002). */
  triangle: "golden" | "silver";
}

export type DuplicateOutcome =
  | { kind: "duplicate"; findings: ExpectedFinding[] }
  | { kind: "near"; near: NearDuplicate };

/** The fields of the golden triangle. */
const TRIANGLE = [
  "last_name",
  "date_of_birth",
  "identification_number",
  "identification_country",
];

/** Words that go before a Dutch last name. */
const PARTICLES =
  /^((?:van|de|den|der|het|ten|ter|te)(?: (?:van|de|den|der|het|ten|ter|te))*) (.+)$/i;

/**
 * The last name as another system writes it: the same after `normalized_name`, never the same
 * text, and only letters, spaces, apostrophes, hyphens and dots (dmc0002 stays quiet).
 */
export function respell(random: Random, name: string): string {
  const particles = PARTICLES.exec(name);
  const ways: (() => string)[] = [
    () => name.toUpperCase(),
    () => accented(name),
  ];
  if (particles !== null) {
    // `van den Berg` → `Berg van den`, `v.d. Berg`
    ways.push(() => `${particles[2]} ${particles[1]}`);
    if (/^van de[nr]?$/i.test(particles[1]))
      ways.push(() => `v.d. ${particles[2]}`);
  }
  const out = random.pick(ways)();
  return out === name ? name.toUpperCase() : out;
}

/** The first plain vowel given an accent (`Jansen` → `Jansén`), or upper case when there is none. */
function accented(name: string): string {
  const accents: Record<string, string> = {
    e: "é",
    a: "á",
    o: "ö",
    u: "ü",
    i: "ï",
  };
  for (let i = name.length - 1; i >= 0; i--) {
    const a = accents[name[i]];
    if (a !== undefined) return name.slice(0, i) + a + name.slice(i + 1);
  }
  return name.toUpperCase();
}

/**
 * Make the depositor of `ikb` a duplicate (or, with probability `nearShare`, a near duplicate) of
 * `earlier`. Undefined when it does not fit: the depositor is no natural person with an
 * identification number, either has died (a date of death must follow the date of birth), they
 * are on different sides of 18 years (the rules for minors), or a representative of this IKB would
 * then share last name and date of birth, or the number, with the depositor (omc0014, omc0008).
 */
export function injectDuplicate(
  ikb: SyntheticIkb,
  earlier: EarlierPerson,
  random: Random,
  rrd: string,
  nearShare: number,
  silverShare = 0,
): DuplicateOutcome | undefined {
  if (silverShare > 0 && random.chance(silverShare))
    return injectSilver(ikb, earlier, random, rrd, nearShare);
  const np = ikb.records.NP.find((p) => p.customer_id === ikb.key);
  const e = earlier.record;
  if (np === undefined || np.identification_number === undefined)
    return undefined;
  if (TRIANGLE.some((f) => e[f] === undefined)) return undefined;
  if (np.date_of_death !== undefined || e.date_of_death !== undefined)
    return undefined;
  const adult = addYears(rrd, -18);
  if (
    np.date_of_birth === undefined ||
    np.date_of_birth <= adult !== e.date_of_birth <= adult
  )
    return undefined;
  const copy: RawRecord = {};
  for (const f of TRIANGLE) copy[f] = e[f];
  copy.last_name = respell(random, e.last_name);
  let differs: NearDuplicate["differs"] | undefined;
  if (random.chance(nearShare)) {
    differs = random.pick([
      "last_name",
      "date_of_birth",
      "identification_number",
    ] as const);
    if (differs === "last_name") copy.last_name = `${e.last_name}s`;
    else if (differs === "date_of_birth") {
      const next = addDays(e.date_of_birth, 1);
      // stay on the same side of 18 years
      copy.date_of_birth =
        next <= adult === e.date_of_birth <= adult
          ? next
          : addDays(e.date_of_birth, -1);
    } else {
      do copy.identification_number = elevenCheckNumber(random);
      while (copy.identification_number === e.identification_number);
    }
  }
  const clash = ikb.records.NP.some(
    (r) =>
      r !== np &&
      ((r.last_name === copy.last_name &&
        r.date_of_birth === copy.date_of_birth) ||
        r.identification_number === copy.identification_number),
  );
  if (clash) return undefined;
  Object.assign(np, copy);
  if (differs !== undefined)
    return {
      kind: "near",
      near: {
        ikbKey: ikb.key,
        earlierIkbKey: earlier.ikbKey,
        differs,
        triangle: "golden",
      },
    };
  return {
    kind: "duplicate",
    findings: [
      { rule: "dup0001", entity: "NP", record: np, attribute: undefined },
      {
        rule: "dup0001",
        entity: "NP",
        record: e,
        attribute: undefined,
        ikbKey: earlier.ikbKey,
      },
    ],
  };
}

/** `1234 AB` as another system writes it: without the space, in upper or lower case. */
function respellPostcode(random: Random, code: string): string {
  const bare = code.replace(/\s+/g, "");
  return random.chance(0.5) ? bare.toLowerCase() : bare.toUpperCase();
}

/**
 * The silver triangle: the depositor of `ikb` becomes the earlier person (name respelled, the same
 * date of birth) with another identification number, living at the earlier person's address
 * respelled; or (with probability `nearShare`) the same name and date of birth at its own,
 * different address. Undefined when it does not fit, as {@link injectDuplicate} says, or when
 * either has no structured address.
 */
function injectSilver(
  ikb: SyntheticIkb,
  earlier: EarlierPerson,
  random: Random,
  rrd: string,
  nearShare: number,
): DuplicateOutcome | undefined {
  const np = ikb.records.NP.find((p) => p.customer_id === ikb.key);
  const sa = ikb.records.SA.find((a) => a.customer_id === ikb.key);
  const e = earlier.record;
  const home = earlier.address;
  if (np === undefined || sa === undefined || home === undefined)
    return undefined;
  if (np.identification_number === undefined) return undefined;
  if (e.last_name === undefined || e.date_of_birth === undefined)
    return undefined;
  if (np.date_of_death !== undefined || e.date_of_death !== undefined)
    return undefined;
  if (home.postal_code === undefined || home.house_number === undefined)
    return undefined;
  const adult = addYears(rrd, -18);
  if (
    np.date_of_birth === undefined ||
    np.date_of_birth <= adult !== e.date_of_birth <= adult
  )
    return undefined;
  const copy: RawRecord = {
    last_name: respell(random, e.last_name),
    date_of_birth: e.date_of_birth,
  };
  // another identification number: the golden triangle does not match
  if (np.identification_number === e.identification_number)
    do copy.identification_number = elevenCheckNumber(random);
    while (copy.identification_number === e.identification_number);
  const near = random.chance(nearShare);
  const same = (a: RawRecord) =>
    `${a.postal_code ?? ""}${a.house_number ?? ""}${a.house_number_addition ?? ""}`
      .replace(/[^0-9A-Za-z]/g, "")
      .toLowerCase();
  // a near duplicate keeps its own address, which must differ
  if (near && same(sa) === same(home)) return undefined;
  const clash = ikb.records.NP.some(
    (r) =>
      r !== np &&
      ((r.last_name === copy.last_name &&
        r.date_of_birth === copy.date_of_birth) ||
        r.identification_number ===
          (copy.identification_number ?? np.identification_number)),
  );
  if (clash) return undefined;
  Object.assign(np, copy);
  if (near)
    return {
      kind: "near",
      near: {
        ikbKey: ikb.key,
        earlierIkbKey: earlier.ikbKey,
        differs: "address",
        triangle: "silver",
      },
    };
  sa.postal_code = respellPostcode(random, home.postal_code);
  // `12` + `A` → `12A` or `12 a`; `12` alone stays `12`
  if (home.house_number_addition === undefined) {
    sa.house_number = home.house_number;
    delete sa.house_number_addition;
  } else {
    sa.house_number = random.chance(0.5)
      ? `${home.house_number}${home.house_number_addition}`
      : `${home.house_number} ${home.house_number_addition.toLowerCase()}`;
    delete sa.house_number_addition;
  }
  return {
    kind: "duplicate",
    findings: [
      { rule: "dup0002", entity: "NP", record: np, attribute: undefined },
      {
        rule: "dup0002",
        entity: "NP",
        record: e,
        attribute: undefined,
        ikbKey: earlier.ikbKey,
      },
    ],
  };
}

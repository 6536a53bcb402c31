/**
 * Defect injection: for each validation code, how to break a clean IKB so that exactly the listed
 * findings follow — the ground truth of the oracle test. An injector returns `undefined` when it
 * does not apply to the IKB at hand (e.g. an NNP-only defect on a natural person's IKB).
 *
 * The injectors know the conditions of the shipped GLO rulesets (rulesets/ikb.glo); each comment
 * says which other rules were kept quiet and how.
 *
 * @module
 */
import type { RuleTrace } from "../../compiler/contract.js";
import type { Random } from "./random.js";
import {
  addDays,
  addYears,
  type RawRecord,
  type SyntheticIkb,
} from "./ikb-builder.js";
import { corruptIban, invalidElevenCheckNumber } from "./identifiers.js";

/** A finding the injected defect must produce. */
export interface ExpectedFinding {
  rule: string;
  entity: string;
  record: RawRecord;
  attribute: string | undefined;
  /** The IKB of the record when it is not the IKB being built (a duplicate's earlier record). */
  ikbKey?: string;
}

export interface InjectionContext {
  random: Random;
  rrd: string;
  /** Trace rows of the ruleset version, by code. */
  rules: ReadonlyMap<string, RuleTrace>;
  /** A natural person's customer number and an account number from an earlier IKB (resolve globally, not in this IKB). */
  earlierPersonId: string | undefined;
  earlierAccountId: string | undefined;
  /** The `unknown` texts a field declares (empty when none). */
  unknownTexts?: (entity: string, field: string) => readonly string[];
}

type Injector = (
  ikb: SyntheticIkb,
  ctx: InjectionContext,
) => ExpectedFinding[] | undefined;

const depositorNp = (ikb: SyntheticIkb): RawRecord | undefined =>
  ikb.records.NP.find((p) => p.customer_id === ikb.key);
const depositorNnp = (ikb: SyntheticIkb): RawRecord | undefined =>
  ikb.records.NNP.find((p) => p.customer_id === ikb.key);
const representatives = (ikb: SyntheticIkb): RawRecord[] =>
  ikb.records.NP.filter((p) => p.customer_id !== ikb.key);
const finding = (
  rule: string,
  entity: string,
  record: RawRecord,
  attribute?: string,
): ExpectedFinding => ({
  rule,
  entity,
  record,
  attribute,
});

/** Attributes `E.f` a rule lists, restricted to entities present in the IKB. */
function listedAttributes(
  ctx: InjectionContext,
  code: string,
  ikb: SyntheticIkb,
): string[] {
  const trace = ctx.rules.get(code);
  if (trace === undefined) return [];
  return trace.attributes.filter((a) => {
    const [entity, field] = a.split(".");
    return (ikb.records[entity] ?? []).some((r) => r[field] !== undefined);
  });
}

function recordWith(
  ikb: SyntheticIkb,
  ctx: InjectionContext,
  entity: string,
  field: string,
): RawRecord {
  const candidates = (ikb.records[entity] ?? []).filter(
    (r) => r[field] !== undefined,
  );
  return ctx.random.pick(candidates);
}

const INJECTORS: Record<string, Injector> = {
  // Deposits delivered without their depositor: only the IKB's BA records remain; they are set not
  // eligible so that omc0011 / omc0017 (which read the depositor's eligibility) stay quiet.
  omc0001: (ikb) => {
    for (const entity of Object.keys(ikb.records))
      if (entity !== "BA") ikb.records[entity] = [];
    for (const ba of ikb.records.BA) ba.eligible = "false";
    return ikb.records.BA.map((ba) => finding("omc0001", "BA", ba));
  },
  // A value that does not fit its type, on a field no other rule reads.
  val0001: (ikb, ctx) => {
    const ba = ctx.random.pick(ikb.records.BA);
    ba.account_language = "nld";
    return [finding("val0001", "BA", ba, "account_language")];
  },
  // A listed mandatory attribute left empty; every rule that reads it is guarded by `is present`.
  dmc0000: (ikb, ctx) => {
    const attributes = listedAttributes(ctx, "dmc0000", ikb);
    if (attributes.length === 0) return undefined;
    const [entity, field] = ctx.random.pick(attributes).split(".");
    const record = recordWith(ikb, ctx, entity, field);
    // A field with `unknown` texts: half the time delivered as one of them ("reported as unknown",
    // which dmc0000 reports all the same), otherwise left empty ("missing").
    const texts = ctx.unknownTexts?.(entity, field) ?? [];
    if (texts.length > 0 && ctx.random.chance(0.5))
      record[field] = ctx.random.pick([...texts]);
    else delete record[field];
    return [finding("dmc0000", entity, record, field)];
  },
  // A BSN failing the 11-check (GLO 1.3.0).
  dmc0001: (ikb, ctx) => {
    const np = depositorNp(ikb);
    if (np?.identification_country !== "NL") return undefined;
    np.identification_number = invalidElevenCheckNumber(ctx.random);
    return [finding("dmc0001", "NP", np)];
  },
  // A date of birth more than 130 years before the RRD (a future one would also raise smc0011).
  dmc0003: (ikb, ctx) => {
    const np = ctx.random.pick(ikb.records.NP);
    np.date_of_birth = addYears(ctx.rrd, -140);
    return [finding("dmc0003", "NP", np, "date_of_birth")];
  },
  // An unknown country code on one of the attributes the rule lists.
  dmc0004: (ikb, ctx) => {
    const attributes = listedAttributes(ctx, "dmc0004", ikb);
    if (attributes.length === 0) return undefined;
    const [entity, field] = ctx.random.pick(attributes).split(".");
    const record = recordWith(ikb, ctx, entity, field);
    record[field] = "XX";
    const found = [finding("dmc0004", entity, record, field)];
    // A Dutch non-natural person registered in "XX" looks foreign without a foreign number with
    // its country of issue: the registration-number rule (omc0019, or ctl0003 in GLO 1.2.0) fires.
    if (entity === "NNP" && field === "registered_country") {
      const foreignNumber =
        (record.identification_number !== undefined ||
          record.coc_number !== undefined) &&
        record.identification_country !== undefined;
      for (const code of ["omc0019", "ctl0003"])
        if (ctx.rules.has(code) && !foreignNumber)
          found.push(finding(code, "NNP", record));
    }
    return found;
  },
  dmc0005: (ikb, ctx) => {
    const ba = ctx.random.pick(ikb.records.BA);
    ba.currency = "eur";
    return [finding("dmc0005", "BA", ba, "currency")];
  },
  dmc0006: (ikb, ctx) => {
    const ba = ctx.random.pick(ikb.records.BA);
    ba.bank_account_number = corruptIban(ba.bank_account_number);
    return [finding("dmc0006", "BA", ba, "bank_account_number")];
  },
  // Letters only in names (GLO 1.3.0).
  dmc0002: (ikb, ctx) => {
    const np = ctx.random.pick(ikb.records.NP);
    np.last_name = `${np.last_name}4`;
    return [finding("dmc0002", "NP", np, "last_name")];
  },
  etc0001: (ikb, ctx) => {
    const ba = ctx.random.pick(ikb.records.BA);
    ba.count_of_depositors = "0";
    return [finding("etc0001", "BA", ba, "count_of_depositors")];
  },
  etc0002: (ikb, ctx) => {
    const ba = ctx.random.pick(ikb.records.BA);
    ba.count_of_depositors = "2";
    ba.share_percentage = "120.00";
    return [finding("etc0002", "BA", ba, "share_percentage")];
  },
  etc0003: (ikb, ctx) => {
    const ba = ctx.random.pick(ikb.records.BA);
    ba.count_of_depositors = "1";
    ba.share_percentage = "60.00";
    return [finding("etc0003", "BA", ba)];
  },
  // A natural-person depositor marked not eligible; deposits set not eligible so omc0011 / omc0017 stay quiet.
  etc0004: (ikb) => {
    const np = depositorNp(ikb);
    if (np === undefined) return undefined;
    np.eligibility_indicator_code = "NIET IN AANMERKING";
    for (const ba of ikb.records.BA) ba.eligible = "false";
    return [finding("etc0004", "NP", np)];
  },
  // An eligible deposit of a non-natural depositor marked not eligible (etc0004 only reads natural persons).
  omc0011: (ikb, ctx) => {
    const nnp = depositorNnp(ikb);
    if (nnp === undefined) return undefined;
    nnp.eligibility_indicator_code = "NIET IN AANMERKING";
    for (const ba of ikb.records.BA) ba.eligible = "false";
    const ba = ctx.random.pick(ikb.records.BA);
    ba.eligible = "true";
    return [finding("omc0011", "BA", ba)];
  },
  // The depositor has no eligibility marking while its deposits are eligible (GLO 1.3.0): one finding per deposit.
  omc0017: (ikb) => {
    const depositor = depositorNp(ikb) ?? depositorNnp(ikb);
    if (depositor === undefined) return undefined;
    delete depositor.eligibility_indicator_code;
    return ikb.records.BA.filter((ba) => ba.eligible === "true").map((ba) =>
      finding("omc0017", "BA", ba),
    );
  },
  // A second natural person with the depositor's identification number: both are reported.
  omc0008: (ikb) => {
    const np = depositorNp(ikb);
    const rep = representatives(ikb)[0];
    if (np?.identification_number === undefined || rep === undefined)
      return undefined;
    rep.identification_number = np.identification_number;
    rep.identification_country = np.identification_country;
    return [finding("omc0008", "NP", np), finding("omc0008", "NP", rep)];
  },
  // A representative with the depositor's last name and date of birth: both are reported.
  // When the depositor has no representative yet, one is added (represented, with an address).
  omc0014: (ikb) => {
    const np = depositorNp(ikb);
    if (np === undefined) return undefined;
    const rep = representatives(ikb)[0] ?? addRepresentative(ikb);
    rep.last_name = np.last_name;
    rep.date_of_birth = np.date_of_birth;
    return [finding("omc0014", "NP", np), finding("omc0014", "NP", rep)];
  },
  // An extra address of a customer number that is no person of the IKB.
  omc0015: (ikb) => {
    const ad: RawRecord = {
      ikb_id: ikb.key,
      address_id: `${ikb.key}-A9`,
      customer_id: `${ikb.key}-X9`,
      country: "NL",
    };
    ikb.records.AD.push(ad);
    return [finding("omc0015", "AD", ad)];
  },
  // A representative's customer number also delivered as a (complete) non-natural person.
  omc0002: (ikb) => {
    const rep = representatives(ikb)[0];
    if (rep === undefined) return undefined;
    ikb.records.NNP.push({
      ikb_id: ikb.key,
      customer_id: rep.customer_id,
      registered_name: `${rep.last_name} Beheer B.V.`,
      registered_place: "Utrecht",
      registered_country: "NL",
      coc_number: "12345678",
      rsin: "123456782",
      legal_capacity_code: "MET RECHTSPERSOONLIJKHEID",
      reliability_indicator_code: "BETROUWBAARHEID GEGARANDEERD",
    });
    return [finding("omc0002", "NP", rep)];
  },
  // A natural person without first names and without an identification number.
  smc0001: (ikb, ctx) => {
    const candidates = ikb.records.NP.filter(
      (p) => p.identification_number === undefined,
    );
    if (candidates.length === 0) return undefined;
    const np = ctx.random.pick(candidates);
    delete np.first_names;
    return [finding("smc0001", "NP", np)];
  },
  // The depositor's identification number without its country of issue (dmc0001 needs country NL).
  smc0012: (ikb) => {
    const np = depositorNp(ikb);
    if (np?.identification_number === undefined) return undefined;
    delete np.identification_country;
    return [finding("smc0012", "NP", np)];
  },
  // A person recorded as deceased, with a date of death between birth and RRD (tmc0002 and tmc0003 quiet).
  smc0014: (ikb, ctx) => {
    const np = ctx.random.pick(ikb.records.NP);
    np.deceased = "true";
    np.date_of_death = addDays(ctx.rrd, -30);
    if (np.date_of_birth !== undefined && np.date_of_birth > np.date_of_death)
      np.date_of_birth = addYears(ctx.rrd, -40);
    return [finding("smc0014", "NP", np)];
  },
  // A date of death after the RRD; the person is then deceased too (smc0014).
  tmc0003: (ikb, ctx) => {
    const np = ctx.random.pick(ikb.records.NP);
    np.deceased = "true";
    np.date_of_death = addDays(ctx.rrd, 10);
    return [finding("tmc0003", "NP", np), finding("smc0014", "NP", np)];
  },
  // A date of death while the life status says alive (GLO 1.3.0).
  tmc0002: (ikb, ctx) => {
    const np = ctx.random.pick(ikb.records.NP);
    np.deceased = "false";
    np.date_of_death = addDays(ctx.rrd, -30);
    if (np.date_of_birth !== undefined && np.date_of_birth > np.date_of_death)
      np.date_of_birth = addYears(ctx.rrd, -40);
    return [finding("tmc0002", "NP", np)];
  },
  // A dormant deposit with a transaction in the last 24 months (GLO 1.3.0).
  tmc0005: (ikb, ctx) => {
    const ba = ctx.random.pick(ikb.records.BA);
    ba.dormant = "true";
    ba.last_transaction_date = addDays(ctx.rrd, -40);
    return [finding("tmc0005", "BA", ba)];
  },
  // Accrued interest above a positive balance (GLO 1.3.0).
  smc0010: (ikb, ctx) => {
    const ba = ctx.random.pick(ikb.records.BA);
    ba.balance = "100.00";
    ba.interest = "250.00";
    return [finding("smc0010", "BA", ba)];
  },
  // An extra representative (complete natural person, with an address) without a representation.
  omc0005: (ikb) => {
    const rep: RawRecord = {
      ikb_id: ikb.key,
      customer_id: `${ikb.key}-V9`,
      initials: "P.",
      first_names: "Pieter",
      last_name: "Verwaist",
      date_of_birth: "1960-05-05",
      deceased: "false",
      reliability_indicator_code: "BETROUWBAARHEID GEGARANDEERD",
    };
    ikb.records.NP.push(rep);
    ikb.records.AD.push({
      ikb_id: ikb.key,
      address_id: `${ikb.key}-A9`,
      customer_id: rep.customer_id,
      country: "DE",
    });
    ikb.records.UA.push({
      ikb_id: ikb.key,
      address_id: `${ikb.key}-A9`,
      customer_id: rep.customer_id,
      address_line_1: "Hauptstraße 1",
      address_line_2: "10115 Berlin",
      country: "DE",
    });
    return [finding("omc0005", "NP", rep)];
  },
  // A representation naming a natural person of another IKB (the reference resolves in the delivery, not in the IKB).
  omc0006: (ikb, ctx) => {
    if (ctx.earlierPersonId === undefined || ikb.records.NNP.length > 0)
      return undefined;
    const re: RawRecord = {
      ikb_id: ikb.key,
      representation_id: `${ikb.key}-R9`,
      representative_id: ctx.earlierPersonId,
      represented_id: ikb.key,
      type_of_representation_competence: "ZELFSTANDIG",
    };
    ikb.records.RE.push(re);
    return [finding("omc0006", "RE", re)];
  },
  // A representation limited to a deposit of another IKB.
  omc0007: (ikb, ctx) => {
    if (ctx.earlierAccountId === undefined || ikb.records.RE.length === 0)
      return undefined;
    const re = ctx.random.pick(ikb.records.RE);
    re.account_id = ctx.earlierAccountId;
    return [finding("omc0007", "RE", re)];
  },
  // A representation in which the depositor represents itself (GLO 1.3.0); natural persons only, so omc0006 stays quiet.
  omc0018: (ikb) => {
    if (depositorNp(ikb) === undefined) return undefined;
    const re: RawRecord = {
      ikb_id: ikb.key,
      representation_id: `${ikb.key}-R8`,
      representative_id: ikb.key,
      represented_id: ikb.key,
      type_of_representation_competence: "ZELFSTANDIG",
    };
    ikb.records.RE.push(re);
    return [finding("omc0018", "RE", re)];
  },
  // A non-natural depositor without representation: its representatives and their addresses go too.
  omc0012: (ikb) => {
    const nnp = depositorNnp(ikb);
    if (nnp === undefined) return undefined;
    dropRepresentatives(ikb);
    return [finding("omc0012", "NNP", nnp)];
  },
  // A minor depositor without representation.
  smc0011: (ikb, ctx) => {
    const np = depositorNp(ikb);
    if (np === undefined) return undefined;
    dropRepresentatives(ikb);
    np.date_of_birth = addYears(ctx.rrd, -10);
    return [finding("smc0011", "NP", np)];
  },
  // A person without any address (its structured / unstructured forms removed with it): half of
  // the time a representative (role V, which feeds no category), otherwise the depositor.
  smc0006: (ikb, ctx) => {
    const rep = representatives(ikb)[0];
    if (rep !== undefined && ctx.random.chance(0.5)) {
      removeAddressesOf(ikb, rep.customer_id);
      return [finding("smc0006", "NP", rep, "customer_id")];
    }
    const depositor = depositorNp(ikb) ?? depositorNnp(ikb);
    if (depositor === undefined) return undefined;
    removeAddressesOf(ikb, ikb.key);
    return [
      finding(
        "smc0006",
        depositorNp(ikb) ? "NP" : "NNP",
        depositor,
        "customer_id",
      ),
    ];
  },
  // A datum Bijlage 4 requires, left empty (regel's own ctl0001); every other rule reading it is
  // guarded by `is present` or reads it only with other data the IKB has.
  ctl0001: (ikb, ctx) => {
    const attributes = listedAttributes(ctx, "ctl0001", ikb);
    if (attributes.length === 0) return undefined;
    const [entity, field] = ctx.random.pick(attributes).split(".");
    const record = recordWith(ikb, ctx, entity, field);
    delete record[field];
    return [finding("ctl0001", entity, record, field)];
  },
  // The depositor's life status left empty (regel's own ctl0002): smc0014 and tmc0002 stay quiet.
  ctl0002: (ikb) => {
    const np = depositorNp(ikb);
    if (np?.deceased === undefined) return undefined;
    delete np.deceased;
    return [finding("ctl0002", "NP", np, "deceased")];
  },
  // A Dutch non-natural person without KvK number and RSIN (regel's own ctl0003, GLO 1.2.0).
  ctl0003: (ikb) => {
    const nnp = depositorNnp(ikb);
    if (nnp?.registered_country !== "NL") return undefined;
    delete nnp.coc_number;
    delete nnp.rsin;
    return [finding("ctl0003", "NNP", nnp)];
  },
  // A deposit held from another member state without the language chosen (regel's own ctl0004).
  ctl0004: (ikb, ctx) => {
    const ba = ctx.random.pick(ikb.records.BA);
    ba.held_from_other_member_state = "true";
    ba.other_member_state = "BE";
    delete ba.account_language;
    return [finding("ctl0004", "BA", ba)];
  },
  // A Dutch non-natural person without KvK number and RSIN (GLO 1.3.0).
  omc0019: (ikb) => {
    const nnp = depositorNnp(ikb);
    if (nnp?.registered_country !== "NL") return undefined;
    delete nnp.coc_number;
    delete nnp.rsin;
    return [finding("omc0019", "NNP", nnp)];
  },
};

/** A complete representative of the depositor, with a representation and an address. */
function addRepresentative(ikb: SyntheticIkb): RawRecord {
  const id = `${ikb.key}-V8`;
  const rep: RawRecord = {
    ikb_id: ikb.key,
    customer_id: id,
    initials: "M.",
    first_names: "Maria",
    last_name: "Vertegenwoordiger",
    date_of_birth: "1965-06-15",
    deceased: "false",
    reliability_indicator_code: "BETROUWBAARHEID GEGARANDEERD",
  };
  ikb.records.NP.push(rep);
  ikb.records.RE.push({
    ikb_id: ikb.key,
    representation_id: `${ikb.key}-R7`,
    representative_id: id,
    represented_id: ikb.key,
    type_of_representation_competence: "ZELFSTANDIG",
  });
  ikb.records.AD.push({
    ikb_id: ikb.key,
    address_id: `${ikb.key}-A8`,
    customer_id: id,
    country: "BE",
  });
  ikb.records.UA.push({
    ikb_id: ikb.key,
    address_id: `${ikb.key}-A8`,
    customer_id: id,
    address_line_1: "Grote Markt 1",
    address_line_2: "1000 Brussel",
    country: "BE",
  });
  return rep;
}

function removeAddressesOf(ikb: SyntheticIkb, customerId: string): void {
  const gone = new Set(
    ikb.records.AD.filter((a) => a.customer_id === customerId).map(
      (a) => a.address_id,
    ),
  );
  for (const entity of ["AD", "SA", "UA"]) {
    ikb.records[entity] = ikb.records[entity].filter(
      (r) => !gone.has(r.address_id),
    );
  }
}

function dropRepresentatives(ikb: SyntheticIkb): void {
  for (const rep of representatives(ikb))
    removeAddressesOf(ikb, rep.customer_id);
  ikb.records.NP = ikb.records.NP.filter((p) => p.customer_id === ikb.key);
  ikb.records.RE = [];
}

/** Codes the generator can inject, restricted to the rules of a ruleset version. */
export function injectableCodes(
  rules: ReadonlyMap<string, RuleTrace>,
): string[] {
  return Object.keys(INJECTORS)
    .filter((code) => rules.has(code))
    .sort();
}

/** Apply the injector of `code`; undefined when it does not apply to this IKB. */
export function inject(
  code: string,
  ikb: SyntheticIkb,
  ctx: InjectionContext,
): ExpectedFinding[] | undefined {
  const injector = INJECTORS[code];
  if (injector === undefined)
    throw new Error(`no defect injector for rule ${code}`);
  return injector(ikb, ctx);
}

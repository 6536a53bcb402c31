/**
 * The coverage of Beoordelingskader Bijlage 4, controls 3.5-3.9, by the GLO rulesets: for each of
 * the 44 data the controls require, the fields of the data model that hold it, the rules of each
 * GLO version that check it, and whether they cover it, partly or not at all, with the reason.
 *
 * The table is data, declared here and checked against the rulesets by the test suite
 * (test/audit/bijlage4-coverage.test.ts): every field exists, every rule named exists in its
 * version and reads one of the item's fields, every attribute rule on a field of an item is named
 * by an item that lists the field, and an item is `not checked` exactly when no rule is named.
 * `regel catalogue` renders it (`docs/rulesets/bijlage4-coverage.md`).
 *
 * Items: control 3.5 items 1-4 and its closing sentence (the reduced identification when an
 * identification number is known), 3.6 items 1-6, 3.7 a-e and its closing sentence, 3.8 a-o and
 * 3.9 a-l: 5 + 6 + 6 + 15 + 12 = 44.
 *
 * @module
 */
import type { AttributeRef, Expr, RuleDecl } from "../dsl/ast.js";
import type { ResolvedRule, ResolvedRuleset } from "../dsl/model.js";

/** The GLO versions the table speaks of. */
export const COVERAGE_VERSIONS = ["ikb.glo@1.2.0", "ikb.glo@1.3.0"] as const;
export type CoverageVersion = (typeof COVERAGE_VERSIONS)[number];

export type CoverageStatus = "covered" | "partial" | "not checked";

/** How one version checks one item. */
export interface ItemCoverage {
  status: CoverageStatus;
  /** Rule codes of the version that check the item. */
  rules: string[];
  /** Why the status: what the rules check, and what no rule (or no file check) can. */
  reason: string;
}

/** One datum a control of Bijlage 4 requires. */
export interface ControlItem {
  /** `3.5` ... `3.9`. */
  control: string;
  /** The item as the control numbers it: `1`, `a`; `slot` for the closing sentence. */
  item: string;
  /** The item in the source's words (shortened with ... where long). */
  text: string;
  /** `Entity.field` of the data model that hold it. */
  fields: string[];
  coverage: Record<CoverageVersion, ItemCoverage>;
}

const same = (c: ItemCoverage): Record<CoverageVersion, ItemCoverage> => ({
  "ikb.glo@1.2.0": c,
  "ikb.glo@1.3.0": c,
});

const ADDRESS = [
  "AD.customer_id",
  "AD.country",
  "SA.street",
  "SA.house_number",
  "SA.postal_code",
  "SA.place",
  "SA.country",
  "UA.address_line_1",
  "UA.country",
];

const NAMES = [
  "NP.initials",
  "NP.first_names",
  "NP.last_name",
  "NP.date_of_birth",
];

const MARKING_NOT_CHECKED: ItemCoverage = {
  status: "not checked",
  rules: [],
  reason:
    "a marking flags a deposit in this situation; nothing in the file can show that a marking is wrong or missing, and no source names a check",
};

const ADDRESS_COVERAGE: ItemCoverage = {
  status: "covered",
  rules: ["smc0006", "dmc0000", "dmc0004"],
  reason:
    "an address is present (smc0006), with its lines, postal code, place, street, house number and country (dmc0000) and a valid country code (dmc0004)",
};

/** Control 3.5 item 3 and 3.7 d: the identification number, where a person has one. */
function identification(role: string): Record<CoverageVersion, ItemCoverage> {
  const reason = (bsn: string) =>
    `number and country of issue are checked together (smc0012), for duplicates (omc0008) and for a valid country code (dmc0004)${bsn}; whether ${role} has a number that may be used is not in the file, so a missing one cannot be reported`;
  return {
    "ikb.glo@1.2.0": {
      status: "partial",
      rules: ["smc0012", "omc0008", "dmc0004"],
      reason: reason("; the eleven-test of a BSN is first in 1.3.0 (dmc0001)"),
    },
    "ikb.glo@1.3.0": {
      status: "partial",
      rules: ["smc0012", "omc0008", "dmc0004", "dmc0001"],
      reason: reason(", a BSN by the eleven-test (dmc0001)"),
    },
  };
}

/** Control 3.5 item 1 and 3.7 b: names and date of birth. */
function names(): Record<CoverageVersion, ItemCoverage> {
  const beyond =
    '; whether they are "zoals geregistreerd in het identiteitsbewijs" no file check can tell';
  return {
    "ikb.glo@1.2.0": {
      status: "covered",
      rules: ["smc0001", "ctl0001", "dmc0000", "dmc0003", "omc0014"],
      reason: `initials and first names (smc0001), the last name (ctl0001), the date of birth present (dmc0000) and plausible (dmc0003), possible duplicates (omc0014)${beyond}`,
    },
    "ikb.glo@1.3.0": {
      status: "covered",
      rules: ["smc0001", "dmc0000", "dmc0002", "dmc0003", "omc0014"],
      reason: `initials and first names (smc0001), the last name and date of birth present (dmc0000), the characters of the names (dmc0002), the date of birth plausible (dmc0003), possible duplicates (omc0014)${beyond}`,
    },
  };
}

const REDUCED: Record<CoverageVersion, ItemCoverage> = same({
  status: "covered",
  rules: ["smc0001"],
  reason:
    "without an identification number both initials and first names, with one at least one of them (smc0001)",
});

/** The 44 items of controls 3.5-3.9, in the source's order. */
export const BIJLAGE4_ITEMS: readonly ControlItem[] = [
  // ---- 3.5: natural persons (L2583-2594)
  {
    control: "3.5",
    item: "1",
    text: "De voorletters, voornamen zoals geregistreerd in het identiteitsbewijs, de achternaam zoals geregistreerd in het identiteitsbewijs en de geboortedatum",
    fields: NAMES,
    coverage: names(),
  },
  {
    control: "3.5",
    item: "2",
    text: "De adresgegevens inclusief het land",
    fields: ADDRESS,
    coverage: same(ADDRESS_COVERAGE),
  },
  {
    control: "3.5",
    item: "3",
    text: "Het nationale identificatienummer of het fiscale identificatienummer en land van uitgifte, indien natuurlijke personen hierover beschikken en het is toegestaan dit nummer te gebruiken ...",
    fields: ["NP.identification_number", "NP.identification_country"],
    coverage: identification("a person"),
  },
  {
    control: "3.5",
    item: "4",
    text: "De levensstatus",
    fields: ["NP.deceased", "NP.date_of_death"],
    coverage: {
      "ikb.glo@1.2.0": {
        status: "covered",
        rules: ["ctl0002", "smc0014", "tmc0003"],
        reason:
          "the life status is present (ctl0002); a deceased person is reported (smc0014) and a date of death after the RRD or before birth (tmc0003)",
      },
      "ikb.glo@1.3.0": {
        status: "covered",
        rules: ["ctl0002", "smc0014", "tmc0003", "tmc0002"],
        reason:
          "the life status is present (ctl0002) and agrees with the date of death (tmc0002); a deceased person is reported (smc0014) and a date of death after the RRD or before birth (tmc0003)",
      },
    },
  },
  {
    control: "3.5",
    item: "slot",
    text: "Indien ... de gegevens bedoeld in het derde punt ... bevat, kan voor het eerste punt worden volstaan met ten minste de voorletters of de voornamen ...",
    fields: ["NP.initials", "NP.first_names", "NP.identification_number"],
    coverage: REDUCED,
  },
  // ---- 3.6: non-natural persons (L2598-2606)
  {
    control: "3.6",
    item: "1",
    text: "De geregistreerde naam",
    fields: ["NNP.registered_name"],
    coverage: same({
      status: "covered",
      rules: ["dmc0000"],
      reason: "the registered name is present (dmc0000)",
    }),
  },
  {
    control: "3.6",
    item: "2",
    text: "De geregistreerde plaats inclusief het land",
    fields: ["NNP.registered_place", "NNP.registered_country"],
    coverage: same({
      status: "covered",
      rules: ["dmc0000", "dmc0004"],
      reason:
        "place and country are present (dmc0000), the country a valid code (dmc0004)",
    }),
  },
  {
    control: "3.6",
    item: "3",
    text: "De adresgegevens inclusief het land",
    fields: ADDRESS,
    coverage: same(ADDRESS_COVERAGE),
  },
  {
    control: "3.6",
    item: "4",
    text: "Indien geregistreerd in Nederland het KvK-nummer of het RSIN",
    fields: ["NNP.coc_number", "NNP.rsin"],
    coverage: {
      "ikb.glo@1.2.0": {
        status: "partial",
        rules: ["ctl0003"],
        reason:
          "a KvK number or RSIN is present for a person registered in the Netherlands (ctl0003); the sources give no format of either, so a wrong number is not reported",
      },
      "ikb.glo@1.3.0": {
        status: "partial",
        rules: ["omc0019"],
        reason:
          "a KvK number or RSIN is present for a person registered in the Netherlands (omc0019); the sources give no format of either, so a wrong number is not reported",
      },
    },
  },
  {
    control: "3.6",
    item: "5",
    text: "Indien geregistreerd in het buitenland het fiscale identificatienummer of het KvK-nummer en land van uitgifte",
    fields: ["NNP.identification_number", "NNP.identification_country"],
    coverage: {
      "ikb.glo@1.2.0": {
        status: "covered",
        rules: ["ctl0003", "dmc0004"],
        reason:
          "a foreign number with its country of issue is present (ctl0003), the country a valid code (dmc0004)",
      },
      "ikb.glo@1.3.0": {
        status: "covered",
        rules: ["omc0019", "dmc0004"],
        reason:
          "a foreign number with its country of issue is present (omc0019), the country a valid code (dmc0004)",
      },
    },
  },
  {
    control: "3.6",
    item: "6",
    text: "Indicatie of het een niet-natuurlijk persoon met rechtspersoonlijkheid of zonder rechtspersoonlijkheid betreft",
    fields: ["NNP.legal_capacity_code"],
    coverage: same({
      status: "covered",
      rules: ["ctl0001"],
      reason:
        "the indication is present (ctl0001) and one of its values; ONBEKEND puts the IKB in Bijlage 3 category identity (a marking)",
    }),
  },
  // ---- 3.7: representatives (L2610-2623)
  {
    control: "3.7",
    item: "a",
    text: "Een unieke identificerende sleutel voor elke vertegenwoordiger",
    fields: ["NP.customer_id", "RE.representative_id"],
    coverage: same({
      status: "covered",
      rules: ["fil0003", "omc0006", "fil0004"],
      reason:
        "keys are unique per file (fil0003); a representation names a natural person of the IKB (omc0006) and every reference resolves (fil0004)",
    }),
  },
  {
    control: "3.7",
    item: "b",
    text: "De voorletters en voornamen zoals geregistreerd in het identiteitsbewijs, de achternaam zoals geregistreerd in het identiteitsbewijs en de geboortedatum",
    fields: NAMES,
    coverage: names(),
  },
  {
    control: "3.7",
    item: "c",
    text: "De adresgegevens inclusief het land",
    fields: ADDRESS,
    coverage: same(ADDRESS_COVERAGE),
  },
  {
    control: "3.7",
    item: "d",
    text: "Het nationale identificatienummer of het fiscale identificatienummer en land van uitgifte, indien vertegenwoordigers hierover beschikken ...",
    fields: ["NP.identification_number", "NP.identification_country"],
    coverage: identification("a representative"),
  },
  {
    control: "3.7",
    item: "e",
    text: "Het type bevoegdheid van de vertegenwoordiger per vertegenwoordiging",
    fields: ["RE.type_of_representation_competence"],
    coverage: same({
      status: "covered",
      rules: ["ctl0001"],
      reason:
        "the type is present (ctl0001) and one of its values; ONBEKEND puts the IKB in Bijlage 3 category claim (a marking)",
    }),
  },
  {
    control: "3.7",
    item: "slot",
    text: "Indien een IKB-bestand voor een betreffende vertegenwoordiger de gegevens bedoeld in punt d hierboven bevat, geldt dat voor punt b kan worden volstaan met ten minste de voorletters of de voornamen ...",
    fields: ["NP.initials", "NP.first_names", "NP.identification_number"],
    coverage: REDUCED,
  },
  // ---- 3.8: deposits (L2628-2649)
  {
    control: "3.8",
    item: "a",
    text: "Een unieke identificerende sleutel voor elk deposito",
    fields: ["BA.account_id"],
    coverage: same({
      status: "covered",
      rules: ["fil0003"],
      reason: "the key of a deposit is unique in its file (fil0003)",
    }),
  },
  {
    control: "3.8",
    item: "b",
    text: "Markeringen als bedoeld in artikel 6, eerste lid, onderdeel a",
    fields: ["BA.eligible"],
    coverage: {
      "ikb.glo@1.2.0": {
        status: "partial",
        rules: ["omc0011"],
        reason:
          "what Beleidsregel art 6 lid 1 onder a marks is not in the sources; read as the deposit's eligibility (control 3.9 a) and checked against the depositor's marking (omc0011); a deposit without the marking is not reported",
      },
      "ikb.glo@1.3.0": {
        status: "partial",
        rules: ["omc0011", "omc0017"],
        reason:
          "what Beleidsregel art 6 lid 1 onder a marks is not in the sources; read as the deposit's eligibility (control 3.9 a) and checked against the depositor's marking (omc0011, omc0017); a deposit without the marking is not reported",
      },
    },
  },
  {
    control: "3.8",
    item: "c",
    text: "Het rekeningnummer zoals dat bij de depositohouder bekend is",
    fields: ["BA.bank_account_number"],
    coverage: same({
      status: "covered",
      rules: ["dmc0000", "dmc0006"],
      reason:
        "the number is present (dmc0000) and, in IBAN form, passes the IBAN check (dmc0006)",
    }),
  },
  {
    control: "3.8",
    item: "d",
    text: "De tenaamstelling die voor het deposito is vastgelegd",
    fields: ["BA.ascription"],
    coverage: same({
      status: "covered",
      rules: ["dmc0000"],
      reason: "the ascription is present (dmc0000)",
    }),
  },
  {
    control: "3.8",
    item: "e",
    text: "Een productnaam of -omschrijving van het deposito zoals bij de depositohouder bekend",
    fields: ["BA.product_label"],
    coverage: {
      "ikb.glo@1.2.0": {
        status: "covered",
        rules: ["ctl0001"],
        reason: "the product name is present (ctl0001)",
      },
      "ikb.glo@1.3.0": {
        status: "covered",
        rules: ["dmc0000"],
        reason: "the product name is present (dmc0000)",
      },
    },
  },
  {
    control: "3.8",
    item: "f",
    text: "Een categorisering van het soort deposito als bedoeld in artikel 5, tweede lid",
    fields: ["BA.deposit_category"],
    coverage: same({
      status: "partial",
      rules: ["ctl0001"],
      reason:
        "the category is present (ctl0001); the categories of Beleidsregel art 5 lid 2 are not in the sources, so the value is not checked",
    }),
  },
  {
    control: "3.8",
    item: "g",
    text: "Markeringen als bedoeld in artikel 5, derde lid",
    fields: ["BA.type_of_third_party_account"],
    coverage: same({
      status: "not checked",
      rules: [],
      reason:
        "which markings Beleidsregel art 5 lid 3 means is not in the sources; the third-party-account marking is taken to be one, and its value ONBEKEND puts the IKB in Bijlage 3 category amount (a marking, not a rule)",
    }),
  },
  {
    control: "3.8",
    item: "h",
    text: "Markeringen als bedoeld in artikel 6, eerste lid, onderdeel b tot en met l",
    fields: [
      "BA.legal_dispute",
      "BA.restrictive_measures",
      "BA.pledged",
      "BA.attached",
      "BA.blocked_by_local_law",
      "BA.home_savings_deposit",
      "BA.suspension_of_payments",
      "BA.annuity_account",
      "BA.bem_clause",
      "BA.construction_deposit",
      "BA.dormant",
    ],
    coverage: {
      "ikb.glo@1.2.0": {
        ...MARKING_NOT_CHECKED,
        reason: `the markings of control 3.9 b-l: ${MARKING_NOT_CHECKED.reason}`,
      },
      "ikb.glo@1.3.0": {
        status: "partial",
        rules: ["tmc0005"],
        reason:
          "the markings of control 3.9 b-l: only the dormant marking is checked (tmc0005, see 3.9 l); for the others nothing in the file can show that a marking is wrong or missing",
      },
    },
  },
  {
    control: "3.8",
    item: "i",
    text: "Markeringen als bedoeld in artikel 6, vierde lid",
    fields: ["BA.other_marking"],
    coverage: same({
      status: "not checked",
      rules: [],
      reason:
        "what Beleidsregel art 6 lid 4 marks is not in the sources (the Beleidsregel is not among them)",
    }),
  },
  {
    control: "3.8",
    item: "j",
    text: "De valuta waarin het deposito wordt aangehouden",
    fields: ["BA.currency"],
    coverage: same({
      status: "covered",
      rules: ["ctl0001", "dmc0005"],
      reason:
        "the currency is present (ctl0001) and three capital letters (dmc0005)",
    }),
  },
  {
    control: "3.8",
    item: "k",
    text: "Het saldo van het deposito",
    fields: ["BA.balance"],
    coverage: {
      "ikb.glo@1.2.0": {
        status: "covered",
        rules: ["dmc0000"],
        reason: "the balance is present (dmc0000)",
      },
      "ikb.glo@1.3.0": {
        status: "covered",
        rules: ["dmc0000", "smc0010"],
        reason:
          "the balance is present (dmc0000); the interest of a positive balance does not exceed it (smc0010)",
      },
    },
  },
  {
    control: "3.8",
    item: "l",
    text: "Het aangegroeide maar nog niet gecrediteerde rentebedrag op het deposito",
    fields: ["BA.interest"],
    coverage: {
      "ikb.glo@1.2.0": {
        status: "partial",
        rules: ["ctl0001"],
        reason:
          "the interest is present (ctl0001); whether it fits the balance is first checked in 1.3.0 (smc0010)",
      },
      "ikb.glo@1.3.0": {
        status: "covered",
        rules: ["dmc0000", "smc0010"],
        reason:
          "the interest is present (dmc0000) and does not exceed a positive balance (smc0010)",
      },
    },
  },
  {
    control: "3.8",
    item: "m",
    text: "Het land waarin het deposito wordt aangehouden",
    fields: ["BA.country"],
    coverage: same({
      status: "covered",
      rules: ["ctl0001", "dmc0004"],
      reason: "the country is present (ctl0001) and a valid code (dmc0004)",
    }),
  },
  {
    control: "3.8",
    item: "n",
    text: "Het aantal depositohouders van het deposito en bij meer dan één depositohouder per depositohouder het percentage van de aanspraak wanneer deze niet evenredig is",
    fields: ["BA.count_of_depositors", "BA.share_percentage"],
    coverage: {
      "ikb.glo@1.2.0": {
        status: "covered",
        rules: ["ctl0001", "etc0001", "etc0002", "etc0003"],
        reason:
          "the number of depositors is present (ctl0001) and at least one (etc0001); a share lies above 0 and at most 100 (etc0002), and is 100 for a single depositor (etc0003)",
      },
      "ikb.glo@1.3.0": {
        status: "covered",
        rules: ["dmc0000", "etc0001", "etc0002", "etc0003"],
        reason:
          "the number of depositors is present (dmc0000) and at least one (etc0001); a share lies above 0 and at most 100 (etc0002), and is 100 for a single depositor (etc0003)",
      },
    },
  },
  {
    control: "3.8",
    item: "o",
    text: "Indien dat het geval is, het feit dat het deposito vanuit een andere lidstaat wordt aangehouden ..., alsmede de betreffende lidstaat en de taal ...",
    fields: [
      "BA.held_from_other_member_state",
      "BA.other_member_state",
      "BA.account_language",
    ],
    coverage: same({
      status: "partial",
      rules: ["ctl0004", "dmc0004"],
      reason:
        "for a deposit held from another member state, the member state (a valid code: dmc0004) and the language are present (ctl0004); whether a deposit is held from another member state is not in the file",
    }),
  },
  // ---- 3.9: eligibility and blocking markings (L2653-2673)
  {
    control: "3.9",
    item: "a",
    text: "In aanmerking komende deposito's en depositohouders",
    fields: [
      "BA.eligible",
      "NP.eligibility_indicator_code",
      "NNP.eligibility_indicator_code",
    ],
    coverage: {
      "ikb.glo@1.2.0": {
        status: "partial",
        rules: ["omc0011", "etc0004"],
        reason:
          "an eligible deposit of a depositor marked not eligible (omc0011) and a natural-person depositor marked not eligible (etc0004) are reported; a missing marking is first reported in 1.3.0 (omc0017); TWIJFEL puts the IKB in Bijlage 3 category eligibility (a marking)",
      },
      "ikb.glo@1.3.0": {
        status: "partial",
        rules: ["omc0011", "etc0004", "omc0017"],
        reason:
          "an eligible deposit of a depositor marked not eligible (omc0011) or not marked (omc0017), and a natural-person depositor marked not eligible (etc0004) are reported; a deposit without the marking is not; TWIJFEL puts the IKB in Bijlage 3 category eligibility (a marking)",
      },
    },
  },
  ...(
    [
      [
        "b",
        "Deposito's die onderwerp zijn van een rechtsgeschil ...",
        "BA.legal_dispute",
      ],
      [
        "c",
        "Deposito's die onderwerp zijn van beperkende maatregelen die zijn opgelegd door nationale regeringen of internationale organen ...",
        "BA.restrictive_measures",
      ],
      ["d", "Deposito's die zijn verpand aan een derde partij", "BA.pledged"],
      ["e", "Deposito's waar beslag op is gelegd", "BA.attached"],
      [
        "f",
        "Deposito's die worden geblokkeerd op grond van de regelgeving van het land waar het deposito wordt aangehouden ...",
        "BA.blocked_by_local_law",
      ],
      [
        "g",
        "Bankspaardeposito's eigen woning als bedoeld in artikel 29.01, tweede lid, sub e van het Bbpm",
        "BA.home_savings_deposit",
      ],
      [
        "h",
        "Deposito's van depositohouders waarop surseance van betaling van toepassing is",
        "BA.suspension_of_payments",
      ],
      [
        "i",
        "Lijfrenterekeningen ... en stamrechtspaarrekeningen ...",
        "BA.annuity_account",
      ],
      [
        "j",
        "Deposito's waarop een BEM-clausule of soortgelijke bewindvoering op rekeningniveau van toepassing is",
        "BA.bem_clause",
      ],
      ["k", "Bouwdepots", "BA.construction_deposit"],
    ] as const
  ).map(([item, text, field]): ControlItem => ({
    control: "3.9",
    item,
    text,
    fields: [field],
    coverage: same(MARKING_NOT_CHECKED),
  })),
  {
    control: "3.9",
    item: "l",
    text: "Deposito's die volgens de administratie van de bank als 'slapend' kwalificeren en met betrekking waartoe in de voorafgaande 24 maanden geen transactie ... heeft plaatsgevonden",
    fields: ["BA.dormant"],
    coverage: {
      "ikb.glo@1.2.0": {
        status: "not checked",
        rules: [],
        reason:
          'the dormant marking came with the amendment round of 2022 (hoofdstuk 3, "Implicaties wijzigingsronde 2022"); its check is first in the 1.3.0 table (tmc0005)',
      },
      "ikb.glo@1.3.0": {
        status: "partial",
        rules: ["tmc0005"],
        reason:
          "a deposit marked dormant with a transaction in the 24 months before the RRD is reported (tmc0005); a dormant deposit without the marking cannot be told from the file",
      },
    },
  },
];

// ---------------------------------------------------------------- what a rule reads

function collect(
  e: Expr | undefined,
  entity: string,
  attributes: readonly AttributeRef[],
  out: Set<string>,
): void {
  if (e === undefined) return;
  switch (e.kind) {
    case "Path":
      if (e.name.name === "value" && e.entity === undefined)
        for (const a of attributes) out.add(`${a.entity.name}.${a.field.name}`);
      else out.add(`${e.entity?.name ?? entity}.${e.name.name}`);
      return;
    case "Unary":
      collect(e.operand, entity, attributes, out);
      return;
    case "Binary":
      collect(e.left, entity, attributes, out);
      collect(e.right, entity, attributes, out);
      return;
    case "Is":
    case "In":
    case "Matches":
      collect(e.operand, entity, attributes, out);
      return;
    case "Call":
      for (const a of e.args) collect(a, entity, attributes, out);
      return;
    case "If":
      collect(e.condition, entity, attributes, out);
      collect(e.then, entity, attributes, out);
      collect(e.otherwise, entity, attributes, out);
      return;
    case "Aggregate":
      if (e.field !== undefined) out.add(`${e.entity.name}.${e.field.name}`);
      collect(e.value, e.entity.name, attributes, out);
      collect(e.where, e.entity.name, attributes, out);
      return;
    default:
      return;
  }
}

/**
 * The attributes `Entity.field` a rule reads: its target attributes, the fields its conditions
 * name, and for a file rule the fields its check is about (the key for `unique key`, the `ref`
 * fields for `references`). A target `E.*` (the type check of every field) reads nothing in
 * particular and is left out.
 */
export function attributesRead(
  rule: ResolvedRule,
  ruleset: ResolvedRuleset,
): Set<string> {
  const d: RuleDecl = rule.decl;
  const out = new Set<string>();
  const t = d.target;
  if (t === undefined) return out;
  if (t.kind === "FileTarget") {
    const check = d.require?.kind === "FileCheck" ? d.require.check : undefined;
    for (const e of t.entities) {
      const entity = ruleset.links.entity(e);
      if (entity === undefined) continue;
      if (check === "unique-key")
        for (const k of entity.key) out.add(`${entity.name}.${k}`);
      if (check === "references")
        for (const f of entity.fields)
          if (f.decl.type.name === "ref") out.add(`${entity.name}.${f.name}`);
    }
    return out;
  }
  const attributes =
    t.kind === "AttributeTarget"
      ? t.attributes.filter((a) => a.field.name !== "*")
      : [];
  for (const a of attributes) out.add(`${a.entity.name}.${a.field.name}`);
  const entity =
    t.kind === "RecordTarget"
      ? t.entity.name
      : (attributes[0]?.entity.name ?? "");
  const cond = d.require?.kind === "FileCheck" ? undefined : d.require;
  collect(d.when, entity, attributes, out);
  collect(cond as Expr | undefined, entity, attributes, out);
  return out;
}

// ---------------------------------------------------------------- the matrix

/** One row of the matrix for the versions present. */
export interface CoverageRow extends ControlItem {
  /** Per version present in the catalogue: the coverage. */
  versions: { id: CoverageVersion; coverage: ItemCoverage }[];
}

/** The matrix for the GLO versions among `rulesets`; empty when none of them is there. */
export function coverageMatrix(
  rulesets: readonly ResolvedRuleset[],
): CoverageRow[] {
  const present = COVERAGE_VERSIONS.filter((v) =>
    rulesets.some((r) => r.id === v),
  );
  if (present.length === 0) return [];
  return BIJLAGE4_ITEMS.map((item) => ({
    ...item,
    versions: present.map((id) => ({ id, coverage: item.coverage[id] })),
  }));
}

/** Items per status for one version. */
export function coverageCounts(
  version: CoverageVersion,
): Record<CoverageStatus, number> {
  const counts: Record<CoverageStatus, number> = {
    covered: 0,
    partial: 0,
    "not checked": 0,
  };
  for (const i of BIJLAGE4_ITEMS) counts[i.coverage[version].status]++;
  return counts;
}

/**
 * Beoordelingskader Bijlage 3, transcribed by hand from the seed (001_f272accbd5572e20.txt, lines
 * ~2209-2290 for GLO 1.2.0 and ~2299-2380 for GLO 1.3.0): the test data that
 * test/rulesets/bijlage3.test.ts compares with the resolved rulesets and test/audit/diff.test.ts
 * with `regel diff`.
 *
 * Transcription format, one string per table entry: `code [(D|V)] [attribute, attribute, ...]`,
 * attributes written as the table writes them but in snake case (`NP.date of birth` ->
 * `NP.date_of_birth`). "UA/SA.country" is written as the two attributes it names. Markings are
 * transcribed as the table's text plus the `marking` lines that encode it (see docs/data-model.md:
 * a marking of the depositor is carried by NP and NNP).
 */

export type CategoryName =
  "identity" | "eligibility" | "amount" | "claim" | "notification";

export interface TableCategory {
  /** The category's title as the table prints it. */
  title: string;
  /** Number of the payout condition (bk §2.1) the category blocks. */
  payout: number;
  results: string[];
  markings: { table: string; encoded: string[] }[];
}

export type Table = Record<CategoryName, TableCategory>;

const RELIABILITY = [
  "NP.reliability_indicator_code = BETROUWBAARHEID NIET GEGARANDEERD",
  "NNP.reliability_indicator_code = BETROUWBAARHEID NIET GEGARANDEERD",
];
const LEGAL_CAPACITY = ["NNP.legal_capacity_code = ONBEKEND"];
const ELIGIBILITY = [
  "NP.eligibility_indicator_code = TWIJFEL (D)",
  "NNP.eligibility_indicator_code = TWIJFEL (D)",
];
const THIRD_PARTY = ["BA.type_of_third_party_account = ONBEKEND"];
const COMPETENCE = ["RE.type_of_representation_competence = ONBEKEND"];

/** "Tabel geldig tot 1 juli 2023 (GLO versie 1.2.0)". */
export const GLO_1_2_0: Table = {
  identity: {
    title: "Identiteit niet vastgesteld",
    payout: 1,
    results: [
      "omc0001",
      "omc0002",
      "omc0008",
      "omc0014",
      "omc0015",
      "smc0001",
      "smc0012 (D)",
      "smc0014 (D)",
      "dmc0000 (D) NP.date_of_birth, NNP.registered_country, NNP.registered_name, NNP.registered_place",
      "dmc0003 (D)",
      "dmc0004 (D) NNP.registered_country",
      "tmc0003 (D)",
    ],
    markings: [
      {
        table: "Betrouwbaarheid IKB = 'niet gegarandeerd'",
        encoded: RELIABILITY,
      },
      {
        table: "Rechtspersoonlijkheid van een NNP = 'onbekend'",
        encoded: LEGAL_CAPACITY,
      },
    ],
  },
  eligibility: {
    title: "Twijfel in aanmerking komen",
    payout: 2,
    results: ["omc0011", "etc0004"],
    markings: [
      {
        table: "Twijfel of de depositohouder in aanmerking komt voor DGS",
        encoded: ELIGIBILITY,
      },
    ],
  },
  amount: {
    title: "Bedrag niet te bepalen",
    payout: 3,
    results: [
      "etc0001",
      "etc0002",
      "etc0003",
      "dmc0005",
      "dmc0006",
      "dmc0000 BA.ascription, BA.balance, BA.bank_account_number",
    ],
    markings: [
      {
        table: "Type derdenrekening heeft de markering onbekend",
        encoded: THIRD_PARTY,
      },
    ],
  },
  claim: {
    title: "Opvragen vergoeding niet mogelijk",
    payout: 4,
    results: [
      "omc0005 (V)",
      "omc0006",
      "omc0007",
      "omc0012",
      "smc0011",
      "smc0014 (V)",
      "dmc0000 NP.date_of_birth",
      "dmc0003 (V)",
      "tmc0003 (V)",
    ],
    markings: [
      {
        table: "Bevoegdheid als vertegenwoordiger is onbekend",
        encoded: COMPETENCE,
      },
    ],
  },
  notification: {
    title: "Notificatie niet mogelijk",
    payout: 5,
    results: [
      "smc0006 (D)",
      "dmc0000 (D) UA.address_line_1, SA.postal_code, SA.place, SA.street, SA.house_number, UA.country, SA.country",
      "dmc0004 AD.country",
    ],
    markings: [],
  },
};

/** "Tabel geldig vanaf 1 juli 2023 (GLO versie 1.3.0)". */
export const GLO_1_3_0: Table = {
  identity: {
    title: "Identiteit niet vastgesteld",
    payout: 1,
    results: [
      "omc0001",
      "omc0002 (D)",
      "omc0008",
      "omc0014 (D)",
      "omc0015 (D)",
      "omc0019",
      "smc0001",
      "smc0012 (D)",
      "smc0014 (D)",
      "dmc0000 (D) NP.date_of_birth, NP.last_name, NNP.registered_country, NNP.registered_name, NNP.registered_place",
      "dmc0001 (D)",
      "dmc0002 (D)",
      "dmc0003 (D) NP.date_of_birth",
      "dmc0004 (D) NNP.registered_country",
      "tmc0002 (D)",
      "tmc0003 (D)",
    ],
    markings: [
      {
        table: "reliability_indicator_code BETROUWBAARHEID NIET GEGARANDEERD",
        encoded: RELIABILITY,
      },
      { table: "legal_capacity_code ONBEKEND", encoded: LEGAL_CAPACITY },
    ],
  },
  eligibility: {
    title: "Twijfel in aanmerking komen",
    payout: 2,
    results: ["omc0011", "omc0017", "tmc0005", "etc0004"],
    markings: [
      { table: "eligibility_indicator_code TWIJFEL", encoded: ELIGIBILITY },
    ],
  },
  amount: {
    title: "Bedrag niet te bepalen",
    payout: 3,
    results: [
      "etc0001",
      "etc0002",
      "etc0003",
      "dmc0006",
      "smc0010",
      "dmc0000 BA.ascription, BA.balance, BA.bank_account_number, BA.count_of_depositors, BA.interest, BA.product_label",
    ],
    markings: [
      { table: "type_of_third_party_account ONBEKEND", encoded: THIRD_PARTY },
    ],
  },
  claim: {
    title: "Opvragen vergoeding niet mogelijk",
    payout: 4,
    results: [
      "omc0005 (V)",
      "omc0006",
      "omc0007",
      "omc0012",
      "omc0014 (V)",
      "omc0018",
      "smc0011",
      "smc0014 (V)",
      "dmc0000 (V) NP.date_of_birth",
      "dmc0003 (V) NP.date_of_birth",
      "tmc0003 (V)",
    ],
    markings: [
      {
        table: "type_of_representation_competence ONBEKEND",
        encoded: COMPETENCE,
      },
    ],
  },
  notification: {
    title: "Notificatie niet mogelijk",
    payout: 5,
    results: [
      "smc0006 (D)",
      "dmc0000 (D) UA.address_line_1, SA.postal_code, SA.place, SA.street, SA.house_number, AD.country",
      "dmc0004 AD.country",
    ],
    markings: [],
  },
};

export const CATEGORIES: CategoryName[] = [
  "identity",
  "eligibility",
  "amount",
  "claim",
  "notification",
];

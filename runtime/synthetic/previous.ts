/**
 * `regel generate --previous-out DIR`: the bank's previous delivery (T−1) beside the delivery (T),
 * with changes injected between them and their ground truth (`ground-truth/previous-findings.csv`
 * in T's folder: the findings of the rules that read `previous` when T is validated with
 * `--previous DIR`).
 *
 * T−1 is a copy of each IKB of T as generated (its own defects included), written before T's
 * changes are made known: a change edits the copy, never T, so T and its own ground truth are
 * byte-identical to a run without `--previous-out`. Its randomness is a stream of its own for the
 * same reason. Some IKBs of T are new (not in T−1) and some IKBs of T−1 are gone from T, so the
 * merge join meets both.
 *
 * The changes know the rules of the shipped GLO 1.3.0 (etc0005–etc0008, rulesets/ikb.glo):
 * - etc0005: the depositor's date of birth in T−1 is a year earlier;
 * - etc0006: the depositor's identification number in T−1 is another one;
 * - etc0007: a balance above EUR 10,000.00 in T was EUR 1,000.00 in T−1 (a more than tenfold jump);
 * - etc0008 (accounts that disappear): an IKB that stays has in T−1 one more account, closed since
 *   (a copy of one of its accounts under a new account identifier); and every account of an IKB
 *   of T−1 that is gone from T is gone too, so each is an expected finding.
 *
 * @module
 */
import type { EntityMeta, RuleTrace } from "../../compiler/contract.js";
import {
  addYears,
  buildIkb,
  type RawRecord,
  type SyntheticIkb,
} from "./ikb-builder.js";
import type { ExpectedFinding } from "./defects.js";
import { Random } from "./random.js";

/** The changes this module can inject, by the rule that finds them. */
export const PREVIOUS_CHANGES = [
  "etc0005",
  "etc0006",
  "etc0007",
  "etc0008",
] as const;

/** Share of IKBs of T that are new (not in T−1), and of extra IKBs of T−1 that are gone from T. */
const NEW_RATE = 0.01;
const GONE_RATE = 0.01;

const REAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isRealDate(text: string | undefined): boolean {
  if (text === undefined || !REAL_DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

function copyIkb(ikb: SyntheticIkb): SyntheticIkb {
  const records: Record<string, RawRecord[]> = {};
  for (const [name, list] of Object.entries(ikb.records))
    records[name] = list.map((r) => ({ ...r }));
  return { ...ikb, records } as SyntheticIkb;
}

/** Whether `record` is the only one of its entity in the IKB with its key. */
function uniqueKey(
  ikb: SyntheticIkb,
  entity: EntityMeta,
  record: RawRecord,
): boolean {
  const same = (r: RawRecord) => entity.key.every((k) => r[k] === record[k]);
  return (ikb.records[entity.name] ?? []).filter(same).length === 1;
}

/** Whether every key field of `record` has a value (a record without one is never found gone). */
function hasKey(entity: EntityMeta, record: RawRecord): boolean {
  return entity.key.every((k) => (record[k] ?? "").trim() !== "");
}

/** The previous delivery of one generation run. */
export class PreviousGenerator {
  private readonly random: Random;
  /** The rules that read `previous` and that this module can make fire. */
  readonly codes: string[];

  constructor(
    seed: number,
    rules: ReadonlyMap<string, RuleTrace>,
    private readonly entities: ReadonlyMap<string, EntityMeta>,
    private readonly changeRate: number,
    private readonly rrd: string,
  ) {
    // a stream of its own: T does not change when T−1 is asked for
    this.random = new Random((seed ^ 0x5f3759df) >>> 0);
    this.codes = PREVIOUS_CHANGES.filter(
      (c) => rules.get(c)?.previous === true,
    );
  }

  /**
   * T−1's IKBs for IKB `ikb` of T (as written to T): none when it is new, its copy with at most
   * one change, and now and then an IKB that is gone from T. `expected` receives the findings the
   * change must give.
   */
  previousOf(
    ikb: SyntheticIkb,
    n: number,
    depositors: number,
    expected: ExpectedFinding[],
  ): SyntheticIkb[] {
    const out: SyntheticIkb[] = [];
    if (this.random.chance(GONE_RATE)) {
      const gone = buildIkb(this.random, depositors + n, { rrd: this.rrd });
      out.push(gone);
      // the whole IKB is gone from T: each of its accounts is (etc0008)
      if (this.codes.includes("etc0008"))
        for (const r of gone.records.BA ?? [])
          if (hasKey(this.entities.get("BA")!, r))
            expected.push({
              rule: "etc0008",
              entity: "BA",
              record: r,
              attribute: undefined,
              ikbKey: gone.key,
            });
    }
    if (this.random.chance(NEW_RATE)) return out;
    const copy = copyIkb(ikb);
    if (this.codes.length > 0 && this.random.chance(this.changeRate))
      for (let attempt = 0; attempt < 4; attempt++) {
        const found = this.change(this.random.pick(this.codes), ikb, copy);
        if (found !== undefined) {
          expected.push(found);
          break;
        }
      }
    out.push(copy);
    return out;
  }

  private change(
    code: string,
    ikb: SyntheticIkb,
    copy: SyntheticIkb,
  ): ExpectedFinding | undefined {
    const np = this.entities.get("NP")!;
    const ba = this.entities.get("BA")!;
    if (code === "etc0005" || code === "etc0006") {
      const i = ikb.records.NP.findIndex((p) => p.customer_id === ikb.key);
      if (i < 0 || !uniqueKey(ikb, np, ikb.records.NP[i])) return undefined;
      const now = ikb.records.NP[i];
      const before = copy.records.NP[i];
      if (code === "etc0005") {
        if (!isRealDate(now.date_of_birth)) return undefined;
        before.date_of_birth = addYears(now.date_of_birth, -1);
      } else {
        const id = now.identification_number;
        if (id === undefined || id === "") return undefined;
        before.identification_number =
          id === "999999990" ? "999999981" : "999999990";
      }
      return { rule: code, entity: "NP", record: now, attribute: undefined };
    }
    if (code === "etc0008") {
      // an account of T−1 closed since: a copy of one of the IKB's accounts under a new key
      const template = ikb.records.BA.find((r) => hasKey(ba, r));
      if (template === undefined) return undefined;
      const closed = {
        ...template,
        account_id: `${ikb.key}-X${ikb.records.BA.length + 1}`,
      };
      if (ikb.records.BA.some((r) => r.account_id === closed.account_id))
        return undefined;
      copy.records.BA.push(closed);
      return { rule: code, entity: "BA", record: closed, attribute: undefined };
    }
    // etc0007: a balance of more than ten times EUR 1,000.00
    const candidates = ikb.records.BA.map((r, i) => ({ r, i })).filter(
      ({ r }) =>
        /^\d+\.\d{2}$/.test(r.balance ?? "") &&
        Number(r.balance) > 10_000 &&
        uniqueKey(ikb, ba, r),
    );
    if (candidates.length === 0) return undefined;
    const { r, i } = this.random.pick(candidates);
    copy.records.BA[i].balance = "1000.00";
    return { rule: code, entity: "BA", record: r, attribute: undefined };
  }
}

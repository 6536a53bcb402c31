/**
 * The payout conditions are quotations: each title of `payout` in ikb.glo is condition N of the
 * list in Beoordelingskader par 2.1 word for word (seed 001, L476-494), with a capital first
 * letter. The list is intact in the seed; nothing in a title is a reconstruction.
 */
import { describe, expect, it } from "vitest";
import { findRuleset, loadProject } from "../../dsl/project.js";

/** Beoordelingskader par 2.1, "DNB kan dit doen als het IKB voldoet aan de volgende voorwaarden:" (L472-494), lines joined. */
const PAR_2_1 = [
  "de identiteit van de rechthebbende is onomstotelijk vastgesteld", // L476-478
  "er bestaat geen twijfel over het in aanmerking komen voor DGS", // L480-482
  "het bedrag van de vergoeding kan worden bepaald", // L484
  "er zijn natuurlijke personen beschikbaar, die de vergoeding kunnen en mogen opvragen (de depositohouder zelf of zijn of haar vertegenwoordiger(s))", // L486-490
  "er zijn adresgegevens beschikbaar, zodat individuele notificatie van de depositohouder mogelijk is", // L492-494
];

const project = await loadProject(["rulesets/ikb.glo"]);

describe.each(["ikb.glo@1.2.0", "ikb.glo@1.3.0"])(
  "%s payout conditions",
  (id) => {
    const rs = findRuleset(project, id)!;

    it("are the five conditions of par 2.1, numbered as there", () => {
      expect(rs.payouts.map((p) => p.number).sort()).toEqual([1, 2, 3, 4, 5]);
    });

    it("quote their condition word for word, with a capital first letter, and cite par 2.1", () => {
      for (const p of rs.payouts) {
        const quoted = PAR_2_1[p.number - 1];
        expect(p.title).toBe(quoted[0].toUpperCase() + quoted.slice(1));
        expect(p.assumptions).toEqual([]);
        expect(
          p.implementsRefs.map((a) => `${a.source.name} ${a.locator}`),
        ).toEqual(["bk par 2.1"]);
      }
    });
  },
);

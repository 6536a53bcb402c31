/**
 * A small IKB ruleset with every kind of aggregate and a reconciliation, shared by the aggregate
 * and reconciliation tests (docs/language.md, "Aggregates").
 */
export const AGGREGATES_RULESET = `ruleset t.aggregates@1.0.0
  valid from 2024-01-01
  source bk "Beoordelingskader"

codelist reliability "Betrouwbaarheid"
  value "GEGARANDEERD"
  value "NIET GEGARANDEERD"

entity NP "Natural person"
  file "natural_person.csv"
  key ikb_id, customer_id
  field ikb_id: text(10) required
  field customer_id: text(10) required
  field last_name: text(40)
  field reliability: code reliability

entity BA "Bank account"
  file "bank_account.csv"
  key ikb_id, account_id
  field ikb_id: text(10) required
  field account_id: text(10) required
  field balance: money
  field covered: money

ikb "Individueel klantbeeld"
  key ikb_id
  depositor NP by customer_id

payout identity_established 1 "De identiteit is vastgesteld"
  implements bk par 2.1

rule omc0001 "Achternaam ontbreekt"
  meaning "The last name of the depositor is missing."
  assumption "an example rule."
  severity signalling
  implements bk bijlage 3
  for NP
  require last_name is present
  example fail NP { customer_id: "C1" }
  example pass NP { customer_id: "C1", last_name: "Jansen" }

category identity "Identiteit niet vastgesteld"
  blocks identity_established
  implements bk bijlage 3
  result omc0001

aggregate depositors "Number of depositors"
  implements bk regel 657
  count ikb

aggregate accounts "Number of accounts"
  implements bk regel 657
  count BA

aggregate total_deposits "Total deposits"
  implements bk regel 657
  sum BA.balance

aggregate covered_deposits "Covered deposits"
  implements bk regel 657
  sum BA.covered

aggregate identity_balance "Balance of IKBs whose identity is not established"
  implements bk regel 657
  sum BA.balance
  in category identity

aggregate share_identity "Share of IKBs in category identity"
  implements bk regel 657
  proportion ikb
  in category identity

aggregate share_unreliable "Share of IKBs marked not reliable"
  implements bk regel 657
  assumption "the marking is an example."
  proportion ikb
  with NP.reliability = "NIET GEGARANDEERD"

aggregate missing_names "Findings of omc0001"
  implements bk regel 657
  count result omc0001

reconcile quarterly "DGS-kwartaalrapportage"
  implements bk regel 657
  assumption "the quarterly report's figure names are examples."
  figure number_of_depositors = depositors
  figure covered_deposits = covered_deposits tolerance 0.5 %
  figure total_deposits = total_deposits tolerance 1.00
`;

/** Three IKBs: C1 (two accounts), C2 without a last name (category identity), C3 not reliable. */
export const AGGREGATES_DELIVERY = {
  "natural_person.csv":
    "ikb_id,customer_id,last_name,reliability\n" +
    "C1,C1,Jansen,GEGARANDEERD\n" +
    "C2,C2,,GEGARANDEERD\n" +
    "C3,C3,Bakker,NIET GEGARANDEERD\n",
  "bank_account.csv":
    "ikb_id,account_id,balance,covered\n" +
    "C1,A1,100.10,100.10\n" +
    "C1,A2,0.20,0.20\n" +
    "C2,A3,50.00,50.00\n" +
    "C3,A4,-10.00,\n",
};

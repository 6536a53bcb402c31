// Writes a synthetic IKB-bestand for the fake ruleset (test/runtime/fixtures/compiled/fake.ikb@*):
//   node test/runtime/perf-gen.mjs <folder> <depositors> [sorted|shuffled]
// Per depositor: one NP (D), a representative NP (V) for every third, two bank accounts.
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";

const [dir, nText, order = "sorted"] = process.argv.slice(2);
const n = Number(nText);
mkdirSync(dir, { recursive: true });
// A permutation that is cheap and deterministic: i -> (i * a) mod n with gcd(a, n) = 1.
const gcd = (a, b) => (b ? gcd(b, a % b) : a);
let a = 7919;
while (gcd(a, n) !== 1) a++;
const at = (i) => (order === "shuffled" ? (i * a) % n : i);
const id = (i) => `IKB${String(i).padStart(9, "0")}`;

async function write(name, header, rowsOf) {
  const out = createWriteStream(join(dir, name));
  out.write(header);
  let buf = "";
  for (let k = 0; k < n; k++) {
    buf += rowsOf(at(k));
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((r) => out.once("drain", r));
      buf = "";
    }
  }
  out.write(buf);
  await new Promise((r) => out.end(r));
}

await write("natural_person.csv", "ikb_id,customer_id,last_name,date_of_birth,reliability_indicator_code\n", (i) => {
  const dob = i % 50 === 0 ? "" : `19${String(50 + (i % 50)).padStart(2, "0")}-0${1 + (i % 9)}-1${i % 10}`;
  let s = `${id(i)},${id(i)},Achternaam${i % 977},${dob},${i % 101 === 0 ? "BETROUWBAARHEID NIET GEGARANDEERD" : ""}\n`;
  if (i % 3 === 0) s += `${id(i)},REP${i},"Vertegenwoordiger, ${i % 13}",1960-01-01,\n`;
  return s;
});
await write("bank_account.csv", "ikb_id,account_id,holder_id,balance\n", (i) =>
  i % 40 === 0 ? "" : `${id(i)},NL${i}A,${id(i)},${i % 1000}.${String(i % 100).padStart(2, "0")}\n${id(i)},NL${i}B,${id(i)},-12.50\n`,
);

/**
 * The stable diagnostic codes of the checker (`REG2xx` names and versions, `REG3xx` types,
 * `REG4xx` examples), each with the one-line summary used in `docs/diagnostics.md`.
 * A code never changes meaning once released; retired codes are not reused.
 *
 * @module
 */

/** The stable codes of the checker's diagnostics, by what they mean. */
export const CODES = {
  /** A bug in the checker itself, reported instead of crashing. */
  internalError: "REG200",
  // ---- REG129–REG134: reference data tables (parser: REG129)
  tableRowWidth: "REG130",
  tableRowsAndFile: "REG131",
  tableKey: "REG132",
  durationParameterUnits: "REG133",
  // ---- REG337–REG349: reference data (files, values, lookups)
  tableFileMissing: "REG337",
  tableHeader: "REG338",
  tableDuplicateKey: "REG339",
  tableValueType: "REG340",
  unknownTableColumn: "REG341",
  unknownTable: "REG342",
  tableLookupKeyType: "REG343",
  // ---- REG135–REG139: file dialects (the options of a `file` clause)
  unknownFileOption: "REG135",
  badFileOptionValue: "REG136",
  duplicateFileOption: "REG137",
  conflictingFileOptions: "REG138",
  requiredOptionalColumn: "REG139",
  sharedFileDiffers: "REG140",
  duplicateRecordType: "REG141",
  recordTypeWithHeader: "REG142",
  formatNotOnDate: "REG134",
  badFieldDateFormat: "REG149",
  deliveryFileName: "REG151",
  // ---- REG2xx: names and versions
  unknownField: "REG201",
  unknownEntity: "REG202",
  unknownCodeList: "REG203",
  unknownCodeValue: "REG204",
  unknownPayout: "REG205",
  unknownMetric: "REG206",
  unknownRule: "REG207",
  unknownSource: "REG208",
  missingHeader: "REG209",
  duplicateRuleset: "REG210",
  unknownExtends: "REG211",
  unknownUses: "REG212",
  cycle: "REG213",
  overlappingValidity: "REG214",
  emptyValidity: "REG215",
  duplicateName: "REG216",
  redeclaredInherited: "REG217",
  notInherited: "REG218",
  missingIkbKey: "REG219",
  missingImplements: "REG220",
  missingSeverity: "REG221",
  missingTarget: "REG222",
  missingRequire: "REG223",
  unknownPlaceholder: "REG224",
  resultAttributeNotChecked: "REG225",
  roleWithoutRoleBy: "REG226",
  overlappingNormPeriods: "REG227",
  meaningSourceNotImplemented: "REG228",
  meaningNeitherSourcedNorAssumed: "REG229",
  personalInMessage: "REG230",
  basisNotImplemented: "REG231",
  datedHolidayModifier: "REG232",
  classContradictsPrefix: "REG233",
  classContradictsInferredPrefix: "REG234",
  unknownRuleClassWord: "REG235",
  outsideScopeReadsDelivery: "REG236",
  unknownOnIdentifier: "REG237",
  badUnknownText: "REG238",
  unknownTestNotOnUnknownField: "REG239",
  mixedTypes: "REG240",
  badRounding: "REG241",
  parameterValueType: "REG242",
  overlappingParameterPeriods: "REG243",
  parameterNotCovering: "REG244",
  fieldAndParameter: "REG245",
  parameterWithoutValue: "REG246",
  parameterChangesInNorm: "REG247",
  unknownParameter: "REG248",
  entryAlreadyPresent: "REG249",
  entryNotPresent: "REG250",
  codeValueAlreadyPresent: "REG251",
  codeValueNotPresent: "REG252",
  extendedAndReplaced: "REG253",
  extendedTwice: "REG254",
  // ---- REG3xx: types and expressions
  incomparable: "REG301",
  notInCodeList: "REG302",
  badArithmetic: "REG303",
  noCalendar: "REG304",
  valueOutsideAttributeRule: "REG305",
  validNotOnField: "REG306",
  badRegex: "REG307",
  exponentialRegex: "REG350",
  unknownFunction: "REG308",
  badArguments: "REG309",
  notBoolean: "REG310",
  sumNotNumeric: "REG311",
  percentOutsideNorm: "REG312",
  normValueType: "REG313",
  entityNotInScope: "REG314",
  matchesNotText: "REG315",
  wrongCheckKind: "REG316",
  badDateLiteral: "REG317",
  uniqueKeyWithoutKey: "REG318",
  crossRecordNeverSees: "REG319",
  // ---- REG262-REG264, REG274: the previous delivery (T−1)
  previousAlone: "REG262",
  previousWithoutRecord: "REG263",
  previousWithinScope: "REG264",
  previousIsValid: "REG274",
  // ---- REG320-REG322: accounts that disappear (`for previous E`)
  goneTarget: "REG320",
  goneRequire: "REG321",
  goneWhen: "REG322",
  // ---- REG265-REG279: whole-file checks
  wholeFilePer: "REG265",
  wholeFileEntities: "REG266",
  wholeFileRepeated: "REG267",
  wholeFileCountNotInteger: "REG268",
  fileTotalSumEntities: "REG269",
  fileTotalNotNumber: "REG270",
  fileTotalNotSingle: "REG271",
  fileTotalUnknownName: "REG272",
  fileTotalFigureNotNumber: "REG273",
  // ---- REG280-REG289: aggregates and reconciliation
  aggregateMeasure: "REG280",
  aggregateSumNotNumber: "REG281",
  aggregateNeverSees: "REG282",
  aggregateShareWithoutFilter: "REG283",
  aggregateUnknownCategory: "REG284",
  reconcileUnknownAggregate: "REG285",
  reconcileFigureTwice: "REG286",
  // ---- REG259-REG261: file totals over part of a file, figures of a metadata file
  fileTotalWhenEntities: "REG259",
  fileTotalWhenAggregate: "REG260",
  fileTotalKeyedFigure: "REG261",
  wholeFileNotNormalization: "REG277",
  wholeFileNormalizeNotText: "REG278",
  // ---- REG325-REG331: joined records in whole-file checks (`for file NP with SA by customer_id`)
  joinNeedsOnePer: "REG325",
  joinField: "REG326",
  joinQualifier: "REG327",
  joinOutsideIkb: "REG328",
  joinUnused: "REG329",
  joinSelf: "REG330",
  // ---- REG290-REG299: plausibility (outliers against history and peers)
  plausibilityWord: "REG290",
  plausibilitySeries: "REG291",
  plausibilityNumber: "REG292",
  plausibilityNoWatch: "REG293",
  fieldColumnClash: "REG294",
  // ---- REG4xx: examples
  exampleUnknownEntity: "REG401",
  exampleUnknownField: "REG402",
  exampleBadLiteral: "REG403",
  exampleEntityNotTargeted: "REG404",
  exampleWrongForm: "REG405",
  missingExamples: "REG406",
  exampleDuplicateField: "REG407",
  exampleVerdictDiffers: "REG408",
  exampleRecordNotInIkb: "REG409",
  exampleUnrepresentable: "REG410",
  exampleRrdOutsideValidity: "REG411",
  exampleOtherRecordType: "REG412",
  inheritedExamplesNotRun: "REG413",
} as const;

/** A diagnostic code of the checker. */
export type CheckCode = (typeof CODES)[keyof typeof CODES];

/** One line per code, for documentation and `--explain`-style tooling. */
export const CODE_SUMMARIES: Record<CheckCode, string> = {
  REG130:
    "A table row (a `row` line or a line of its CSV file) with more or fewer values than the table has columns.",
  REG131: "A table with both `row` lines and a `file`, or with neither.",
  REG132:
    "A table without exactly one `key` column, or with a column declared twice.",
  REG133:
    "A `duration` parameter whose values are written in different units (`24 months`, then `2 years`).",
  REG337:
    "A table's CSV file is not found beside the ruleset, or is not UTF-8.",
  REG338:
    "A table's CSV file whose header is not the declared columns in order, or that is not valid CSV.",
  REG339: "Two rows of a table with the same key.",
  REG340: "A table value that is not of its column's type.",
  REG341: "A lookup names a column the table does not declare.",
  REG342: "A lookup names a table that is not declared.",
  REG343:
    "A lookup key (or a value tested `in` a table column) of another type than the column.",
  REG135:
    "An option of a `file` clause that does not exist (the options are delimiter, quote, encoding, header, dates, decimal, optional, record, single, metadata).",
  REG136:
    "A `file` option with a value it does not take (a delimiter of two characters, an unknown encoding or date format, ...).",
  REG137: "A `file` option given twice in one clause.",
  REG138:
    "`file` options that contradict each other: the quote character equals the delimiter.",
  REG139:
    "A field both `required` and `optional`: a required value needs its column in the file.",
  REG140:
    "Entities that read one file without each declaring its `record` type, or with different dialects.",
  REG141: "Two entities of one file with the same `record` type code.",
  REG134:
    "A field `format` on a field that is not a `date` (only dates have a format of their own).",
  REG149:
    "A field `format` that is not a date format (`DD`, `MM`, `YYYY` once each, one separator or none).",
  REG151:
    "A `file` name that is not a plain file name (a folder, `..`, `/`, `\\`, `:` or a control character): a delivery file lies in the delivery folder.",
  REG142:
    "`record` on a file with a header row: a file of record types has no header (`header none`).",
  REG200: "Internal error of the checker (a bug in regel, not in the ruleset).",
  REG201: "Unknown field: a name that is not a field of the entity.",
  REG202: "Unknown entity.",
  REG203: "Unknown code list.",
  REG204:
    "Unknown code value: a marking value that is not in the field's code list.",
  REG205: "Unknown payout condition in `blocks`.",
  REG206: "Unknown metric in a norm.",
  REG207: "Unknown rule code in a category `result`.",
  REG208: "Unknown source alias in `implements`.",
  REG209: "The file has no `ruleset NAME@VERSION` header.",
  REG210: "Two files declare the same `name@version`.",
  REG211: "`extends` names a ruleset version that is not loaded.",
  REG212: "`uses` names a ruleset version that is not loaded.",
  REG213: "Rulesets extend (or use) each other in a cycle.",
  REG214: "Two versions of one ruleset have overlapping validity periods.",
  REG215: "`valid from` is not before `until` (the period is empty).",
  REG216:
    "A name is declared twice in one ruleset (or one entity, code list, calendar, header).",
  REG217: "An inherited name is declared again without `replace`.",
  REG218:
    "`replace`, `remove` or `extend entity` of something that is not inherited.",
  REG219: "An entity of an IKB data model lacks the IKB key field.",
  REG220: "A rule without `implements`.",
  REG221: "A rule without `severity`.",
  REG222: "A rule without a `for` target.",
  REG223: "A rule without a `require` condition.",
  REG224:
    "A `{placeholder}` in a message that is not `attribute`, `value` or a field (warning).",
  REG225:
    "A category `result CODE on E.f` names an attribute the rule never checks, so it can never match.",
  REG226:
    "`applies to D` (or V) on an entity without `role by`: the filter has no effect (warning).",
  REG227: "Two periods of one norm share days and set the same metric.",
  REG228:
    '`meaning "..." from ARTICLE` names an article the rule does not implement.',
  REG229:
    'A rule whose meaning is neither given by a cited article (`meaning "..." from ...`) nor marked with an `assumption` (warning).',
  REG230:
    "A message placeholder shows the value of a personal field without `|masked`.",
  REG231:
    "A measure's `basis` cites an article the measure does not implement.",
  REG232:
    "A holiday `on YYYY-MM-DD` (one day of one year) with `if sunday`, `from` or `until`.",
  REG233:
    "A rule's `class` contradicts the class DNB's data models give its code prefix (dmc, omc, etc, tpc, spc).",
  REG234:
    "A rule's `class` contradicts the inferred class of its code prefix (smc, tmc) (warning).",
  REG235: "A `class` or `scope` clause with a word the language does not know.",
  REG236:
    "A rule checked with data outside the delivery (declared, or an entity type constraint) whose conditions read only the delivery (warning).",
  REG237:
    "`unknown` texts on a field that identifies or links records (a `key`, `role by`, `required` or `ref` field).",
  REG238:
    "An `unknown` text that is empty, given twice, or a value of the field's code list.",
  REG239:
    "`is unknown` applied to something other than a field or `value`, or to a field that declares no `unknown` texts (always false).",
  REG240:
    "The branches of `if ... then ... else`, or the arguments of `min` / `max`, are of types that do not mix (a number and a date).",
  REG241:
    "`round(x, places, mode)` with places that are not a whole number from 0 to 18, or an unknown rounding mode.",
  REG242: "A parameter value that does not fit the parameter's type.",
  REG243: "Two periods of one parameter share days.",
  REG244:
    "A parameter without a value for some RRD while the ruleset version is in force.",
  REG245:
    "An unqualified name that is both a field of the record under test and a parameter.",
  REG246: "A parameter without any `from ... value` line.",
  REG247:
    "A parameter named in a norm has no value, or changes its value, within the norm period.",
  REG248: "Unknown parameter in a norm.",
  REG249:
    "`extend category` adds a `result` or `marking` entry that the inherited table already has.",
  REG250:
    "`extend category` removes a `result` or `marking` entry that the inherited table does not have (as written).",
  REG251: "`extend codelist` adds a value the inherited code list already has.",
  REG252:
    "`extend codelist` removes a value the inherited code list does not have.",
  REG253:
    "A category or code list both extended and replaced (or removed) in one version.",
  REG254: "A category or code list extended twice in one version.",
  REG301:
    "The two sides of a comparison (or `in`, or a marking) have incompatible types.",
  REG302:
    "A string literal compared with a code is not a value of the code list.",
  REG303:
    "Arithmetic on operands that do not fit (numbers mix; date ± days/months/years/workdays; datetime ± s/min/h/days).",
  REG304:
    "`workdays` used without a calendar in scope (declare one or `uses` a ruleset that does).",
  REG305: "`value` used outside an attribute rule (`for E.f, ...`).",
  REG306: "`is valid` applied to something other than a field or `value`.",
  REG307: "`matches` with an invalid regular expression.",
  REG350:
    "`matches` with a pattern that repeats a repetition (`(a+)+`): a value can make it run for hours.",
  REG308: "Unknown function.",
  REG309: "A function called with the wrong number or types of arguments.",
  REG310:
    "A condition (`when`, `require`, `where`, `and`, `or`, `not`) that is not boolean.",
  REG311: "`sum` over a field that is not numeric.",
  REG312: "A percent literal outside a norm.",
  REG313: "A norm requirement whose value does not fit the metric's type.",
  REG314:
    "`E.f` names an entity that is neither the current record nor one iterated by exists/count/sum.",
  REG315: "`matches` applied to something that is not text.",
  REG316:
    "A file check (`require present|header|unique key|references|unique a, b|one a per b`) on a record rule, or an expression on a `for file` rule.",
  REG317: "A date or datetime literal that is not a real moment (2023-02-30).",
  REG318: "`require unique key` on an entity without a `key`.",
  REG319:
    "`exists` / `count` / `sum` that can never see a record on a real delivery (no `ikb` grouping, or an entity outside every IKB).",
  REG262:
    "`previous` alone where a value is needed: only `previous is present|absent` tests the record of the previous delivery.",
  REG263:
    "`previous` in a rule without a record under test that belongs to an IKB and has a key (file rules, entities outside the IKB).",
  REG264:
    "A rule that reads the previous delivery is declared `scope within delivery` (warning).",
  REG274:
    "`is valid` on `previous.f`: a value of the previous delivery that does not fit its type reads as absent.",
  REG320:
    "`for previous E` where E does not belong to an IKB or has no `key` (or the ruleset has no `ikb`).",
  REG321: "A `for previous E` rule whose requirement is not `require present`.",
  REG322:
    "A `when` on a `for previous E` rule that reads more than the record of the previous delivery (`exists`, `count`, `sum`, `previous`).",
  REG265: "`require one a per b` with another word where `per` belongs.",
  REG266:
    "A whole-file check (`require unique a, b`, `require one a per b`) on a rule `for file` several entities.",
  REG267:
    "A field named twice in a whole-file check (`unique a, a`, or `one a per a`).",
  REG268: "`require count per b = n` where `n` is not an `integer` field.",
  REG269:
    "A control total `require sum f op x` on a rule `for file` several entities.",
  REG270:
    "A file total that sums, or compares with, a field that is not an `integer`, `decimal` or `money` field.",
  REG271:
    "A file total compared with `E.f` where `E` is not a `single` entity (one record, such as a trailer).",
  REG272:
    "A file total compared with a name that is no parameter (a field of a trailer is written `E.f`).",
  REG273:
    "A file total compared with a literal or parameter that is not a number (integer, decimal or money).",
  REG280:
    "An aggregate without a measure, or with more than one (`count ikb`, `count E`, `sum E.f`, `proportion ikb`, `count result RULE`).",
  REG281: "`sum E.f` in an aggregate over a field that is not a number.",
  REG282:
    "An aggregate over IKBs in a ruleset without `ikb`, or over an entity whose records are in no IKB.",
  REG283: "`proportion ikb` without `in category` or `with`: always 100 %.",
  REG284: "`in category NAME` in an aggregate names no category.",
  REG285: "A reconciled `figure` names no declared aggregate.",
  REG286: "A `figure` given twice in one `reconcile`.",
  REG259:
    "A `when` on a file total (`require count = x`, `require sum f = x`) of a rule `for file` several entities.",
  REG260:
    "A `when` on a file total that uses `exists`, `count` or `sum` (it sees one record, not an IKB).",
  REG261:
    'A file total compared with `E.f of "KEY"` where `E` has no key of one `text` field, or `KEY` is not a text.',
  REG277:
    "A whole-file combination that applies something other than a normalisation to its fields (`unique f(a), b`).",
  REG278:
    "A normalisation in a whole-file combination applied to a field that is not text (`normalized_name(date_of_birth)`).",
  REG325:
    "`for file E with J by f` on a rule whose check is not `require one a per b`, or that is for several entities.",
  REG326:
    "The field a join is `by` is not a field of both entities, or has another type in one of them.",
  REG327:
    "`X.f` in a whole-file combination where `X` is not the entity joined by `with X by f`.",
  REG328:
    "A join outside the IKB: the ruleset has no `ikb`, or one of the entities has no field of the IKB key.",
  REG329: "A `with J by f` whose combination names no field of `J`.",
  REG330: "A rule joined to its own entity (`for file NP with NP by f`).",
  REG290:
    "A `plausibility` with a `compare` or `method` word it does not know (`compare history|peers`, `method robust_z`).",
  REG291:
    "A `watch` item of a `plausibility` that is no series, or a name where the series takes none.",
  REG292:
    "A `plausibility` whose `window`, `minimum` or `threshold` the outlier method cannot use.",
  REG293: "A `plausibility` without a `watch` clause.",
  REG294:
    "Two fields of an entity read one column, or a field's name is another field's column: a row given by name (the record API) or a column of the file would stand for two fields.",
  REG401: "Unknown entity in an example record.",
  REG402: "Unknown field in an example record.",
  REG403:
    "A typed literal in an example that does not fit the field (string literals are raw CSV and always allowed).",
  REG404: "An example about an entity the rule does not target.",
  REG405:
    "A file example on a record rule, or a record example on a `for file` rule.",
  REG406: "A rule without at least one `pass` and one `fail` example.",
  REG407: "A field given twice in one example record.",
  REG408:
    "An example whose verdict differs when the compiled validators run it as a delivery (run by `regel check` and `regel compile`).",
  REG409:
    "A `with` record of a record example that is not in the subject's IKB, so no rule could ever see it on a delivery.",
  REG410:
    "An example no delivery file can hold: a value with a character its file's encoding cannot write, with the delimiter or a line break of a `quote none` file, or a date or decimal string written in its file's dialect rather than canonically.",
  REG411:
    "A record example whose `rrd` lies outside the validity (`valid from ... until ...`) of the version that declares it: no delivery on that day is checked with this version.",
  REG412:
    'An example record of a record type (`record "C"`) whose type field gives another code: on a delivery that row is not a record of its entity.',
  REG413:
    "An inherited rule that runs no `pass` or no `fail` example in the inheriting version: every such example gives an `rrd` outside that version's validity, so none runs there (warning).",
};

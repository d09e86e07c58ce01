// src/config/parse.ts
var ConfigError = class extends Error {
  constructor(problems) {
    super(`Invalid configuration:
  - ${problems.join("\n  - ")}`);
    this.problems = problems;
    this.name = "ConfigError";
  }
  problems;
};
var EnvReader = class {
  constructor(env) {
    this.env = env;
  }
  env;
  problems = [];
  raw(name) {
    const value = this.env[name];
    return value === void 0 || value.trim() === "" ? void 0 : value.trim();
  }
  string(name, fallback) {
    return this.raw(name) ?? fallback;
  }
  oneOf(name, allowed, fallback) {
    const value = this.raw(name);
    if (value === void 0) return fallback;
    if (allowed.includes(value)) return value;
    this.problems.push(`${name} must be one of ${allowed.join(", ")} (got "${value}")`);
    return fallback;
  }
  integer(name, fallback, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
    const value = this.raw(name);
    if (value === void 0) return fallback;
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value) || parsed < min || parsed > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return parsed;
  }
  boolean(name, fallback) {
    const value = this.raw(name)?.toLowerCase();
    if (value === void 0) return fallback;
    if (["1", "true", "yes", "on"].includes(value)) return true;
    if (["0", "false", "no", "off"].includes(value)) return false;
    this.problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }
  list(name, fallback) {
    const value = this.raw(name);
    if (value === void 0) return fallback;
    return value.split(",").map((item) => item.trim()).filter((item) => item !== "");
  }
};

// src/config/load-config.ts
import { existsSync, readFileSync } from "fs";
import path from "path";
import { parse as parseDotenv } from "dotenv";
var ENVIRONMENTS = ["development", "test", "production"];
var LOG_LEVELS = [
  "fatal",
  "error",
  "warn",
  "info",
  "debug",
  "trace",
  "silent"
];
var DEV_JWT_SECRET = "roa2web-development-secret-do-not-use-in-production";
function findProjectRoot(start = process.cwd()) {
  let dir = path.resolve(start);
  for (; ; ) {
    if (existsSync(path.join(dir, "config")) && existsSync(path.join(dir, "pnpm-workspace.yaml")))
      return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start);
    dir = parent;
  }
}
function readEnvFile(file) {
  return existsSync(file) ? parseDotenv(readFileSync(file)) : {};
}
function loadConfig(options = {}) {
  const root = options.root ?? findProjectRoot();
  const processEnv = options.env ?? process.env;
  const environmentName = processEnv.ROA2WEB_ENV?.trim() || "development";
  if (!ENVIRONMENTS.includes(environmentName)) {
    throw new ConfigError([
      `ROA2WEB_ENV must be one of ${ENVIRONMENTS.join(", ")} (got "${environmentName}")`
    ]);
  }
  const environment = environmentName;
  const merged = {
    ...readEnvFile(path.join(root, "config", `${environment}.env`)),
    ...options.ignoreDotenv ? {} : readEnvFile(path.join(root, ".env"))
  };
  for (const [key, value] of Object.entries(processEnv))
    if (value !== void 0) merged[key] = value;
  const read = new EnvReader(merged);
  const resolvePath = (value) => path.resolve(root, value);
  const production = environment === "production";
  const dataDir = resolvePath(read.string("DATA_DIR", "./data"));
  const jwtSecretRaw = read.raw("JWT_SECRET");
  if (jwtSecretRaw !== void 0 && jwtSecretRaw.length < 32) {
    read.problems.push("JWT_SECRET must be at least 32 characters long");
  }
  const oracle = readOracle(read);
  const erpKind = oracle ? "oracle" : "demo";
  const authProvider = read.oneOf("AUTH_PROVIDER", ["local", "oracle"], "local");
  if (authProvider === "oracle" && !oracle) {
    read.problems.push(
      "AUTH_PROVIDER=oracle needs the ERP on Oracle: set ORACLE_USER, ORACLE_PASSWORD and ORACLE_CONNECT_STRING"
    );
  }
  const switches = {};
  for (const key of Object.keys(merged)) {
    const match = /^MODULE_([A-Z0-9_]+)_ENABLED$/.exec(key);
    if (match?.[1]) switches[match[1]] = read.boolean(key, true);
  }
  const settings = {
    environment,
    host: read.string("HOST", production ? "0.0.0.0" : "127.0.0.1"),
    port: read.integer("PORT", 8e3, 0, 65535),
    dataDir,
    publicUrl: read.raw("PUBLIC_URL"),
    log: {
      level: read.oneOf("LOG_LEVEL", LOG_LEVELS, environment === "test" ? "silent" : "info"),
      pretty: read.boolean(
        "LOG_PRETTY",
        environment === "development" && process.stdout.isTTY === true
      ),
      requests: read.boolean("LOG_REQUESTS", false),
      slowRequestMs: read.integer("LOG_SLOW_REQUEST_MS", 1e3, 0)
    },
    http: {
      bodyLimitBytes: read.integer("HTTP_BODY_LIMIT_BYTES", 1024 * 1024, 1024),
      requestTimeoutMs: read.integer("HTTP_REQUEST_TIMEOUT_MS", 12e4, 1e3),
      keepAliveTimeoutMs: read.integer("HTTP_KEEP_ALIVE_TIMEOUT_MS", 72e3, 1e3),
      drainTimeoutMs: read.integer("HTTP_DRAIN_TIMEOUT_MS", 1e4, 0),
      corsOrigins: read.list("CORS_ORIGINS", []),
      trustProxy: read.boolean("TRUST_PROXY", false)
    },
    auth: {
      provider: authProvider,
      jwtSecret: jwtSecretRaw ?? DEV_JWT_SECRET,
      jwtSecretProvided: jwtSecretRaw !== void 0,
      issuer: read.string("JWT_ISSUER", "roa2web"),
      audience: read.string("JWT_AUDIENCE", "roa2web-api"),
      accessTokenTtlSeconds: read.integer("ACCESS_TOKEN_TTL_SECONDS", 15 * 60, 30, 24 * 3600),
      refreshTokenTtlSeconds: read.integer("REFRESH_TOKEN_TTL_SECONDS", 7 * 24 * 3600, 60),
      loginRateLimit: {
        max: read.integer("LOGIN_RATE_LIMIT_MAX", 5, 1),
        windowMs: read.integer("LOGIN_RATE_LIMIT_WINDOW_MS", 5 * 60 * 1e3, 1e3)
      },
      createDemoUser: !production && read.boolean("AUTH_CREATE_DEMO_USER", environment === "development"),
      oracleDefaultPermissions: read.list("AUTH_ORACLE_DEFAULT_PERMISSIONS", ["reports:read"])
    },
    erp: {
      kind: erpKind,
      demoFile: resolvePath(read.string("ERP_DEMO_FILE", path.join(dataDir, "demo-erp.db"))),
      demoScale: read.integer("ERP_DEMO_SCALE", 1, 1, 1e4),
      demoSeed: read.integer("ERP_DEMO_SEED", 42),
      oracle,
      healthTimeoutMs: read.integer("ERP_HEALTH_TIMEOUT_MS", 300, 10, 5e3)
    },
    cache: {
      url: read.string("CACHE_URL", `sqlite://${path.join(dataDir, "cache.db")}`),
      l1MaxEntries: read.integer("CACHE_L1_MAX_ENTRIES", 1e3, 1),
      defaultTtlMs: read.integer("CACHE_DEFAULT_TTL_MS", 5 * 60 * 1e3, 1),
      sweepIntervalMs: read.integer("CACHE_SWEEP_INTERVAL_MS", 10 * 60 * 1e3, 1e3)
    },
    plugins: {
      directories: [
        resolvePath(read.string("PLUGINS_WORKSPACE_DIR", "./plugins")),
        ...read.list("PLUGINS_DIR", []).map(resolvePath)
      ],
      switches
    },
    uiShellDir: resolvePath(read.string("UI_SHELL_DIR", "./ui-shell/dist")),
    env: Object.freeze({ ...merged })
  };
  if (production) {
    if (!settings.auth.jwtSecretProvided)
      read.problems.push("JWT_SECRET is required in production (32+ random characters)");
    if (!oracle && !read.boolean("ALLOW_DEMO_ERP_IN_PRODUCTION", false)) {
      read.problems.push(
        "ORACLE_USER, ORACLE_PASSWORD and ORACLE_CONNECT_STRING are required in production (or set ALLOW_DEMO_ERP_IN_PRODUCTION=true)"
      );
    }
  }
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return settings;
}
function readOracle(read) {
  const user = read.raw("ORACLE_USER");
  const password = read.raw("ORACLE_PASSWORD") ?? readSecretFile(read, "ORACLE_PASSWORD_FILE");
  const connectString = read.raw("ORACLE_CONNECT_STRING");
  const given = [user, password, connectString].filter((value) => value !== void 0).length;
  if (given === 0) return void 0;
  if (given < 3 || !user || !password || !connectString) {
    const missing = [
      ["ORACLE_USER", user],
      ["ORACLE_PASSWORD", password],
      ["ORACLE_CONNECT_STRING", connectString]
    ].filter(([, value]) => value === void 0).map(([name]) => name);
    read.problems.push(
      `Oracle is partly configured: set ${missing.join(", ")} too (or none of them for the demo ERP)`
    );
    return void 0;
  }
  const authProcedure = read.string("ORACLE_AUTH_PROCEDURE", "pack_drepturi.verificautilizator");
  if (!/^[A-Za-z][\w$#]*(\.[A-Za-z][\w$#]*){0,2}$/.test(authProcedure)) {
    read.problems.push(
      `ORACLE_AUTH_PROCEDURE must be a procedure name like pack_drepturi.verificautilizator (got "${authProcedure}")`
    );
  }
  const poolMin = read.integer("ORACLE_POOL_MIN", 2, 0, 100);
  const poolMax = read.integer("ORACLE_POOL_MAX", 10, 1, 100);
  if (poolMin > poolMax) read.problems.push("ORACLE_POOL_MIN must not exceed ORACLE_POOL_MAX");
  return {
    user,
    password,
    connectString,
    poolMin,
    poolMax,
    queueTimeoutMs: read.integer("ORACLE_QUEUE_TIMEOUT_MS", 5e3, 0),
    connectTimeoutSeconds: read.integer("ORACLE_CONNECT_TIMEOUT_SECONDS", 10, 1),
    callTimeoutMs: read.integer("ORACLE_CALL_TIMEOUT_MS", 6e4, 0),
    authProcedure
  };
}
function readSecretFile(read, name) {
  const file = read.raw(name);
  if (file === void 0) return void 0;
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    read.problems.push(
      `${name} points at a file that cannot be read (${error.code})`
    );
    return void 0;
  }
}

// src/erp/demo/calendar.ts
var MS_PER_DAY = 864e5;
var ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
function dayOf(year, month, dayOfMonth) {
  return Date.UTC(year, month - 1, dayOfMonth) / MS_PER_DAY;
}
function parseIsoDate(text) {
  const match = ISO_DATE.exec(text);
  if (!match) throw new RangeError(`Not a YYYY-MM-DD date: "${text}"`);
  const [year, month, dom] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const day = dayOf(year, month, dom);
  if (formatDay(day) !== text) throw new RangeError(`Not a calendar date: "${text}"`);
  return day;
}
function formatDay(day) {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}
function todayUtc() {
  return (/* @__PURE__ */ new Date()).toISOString().slice(0, 10);
}
function splitDay(day) {
  const date = new Date(day * MS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}
function daysInMonth(year, month) {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
function addMonths(year, month, offset) {
  const index = year * 12 + (month - 1) + offset;
  return { year: Math.floor(index / 12), month: index % 12 + 1 };
}
function isWeekend(day) {
  const weekday = (day + 4) % 7;
  return weekday === 0 || weekday === 6;
}
function onOrAfterWeekday(day) {
  let result = day;
  while (isWeekend(result)) result++;
  return result;
}
var DayFormatter = class {
  cache = /* @__PURE__ */ new Map();
  format(day) {
    let text = this.cache.get(day);
    if (text === void 0) {
      text = formatDay(day);
      this.cache.set(day, text);
    }
    return text;
  }
};

// src/erp/demo/books.ts
var Books = class {
  constructor(writer, days, ids, companyId, treasuryAccounts) {
    this.writer = writer;
    this.days = days;
    this.ids = ids;
    this.companyId = companyId;
    this.treasuryAccounts = treasuryAccounts;
  }
  writer;
  days;
  ids;
  companyId;
  treasuryAccounts;
  balances = /* @__PURE__ */ new Map();
  documentCounters = /* @__PURE__ */ new Map();
  /** Debit minus credit, in bani. Negative for accounts with a credit balance. */
  balance(account) {
    return this.balances.get(account) ?? 0;
  }
  /**
   * A new document. Invoices and payments pass their own id (so the ledger links back to them);
   * other documents are numbered per type.
   */
  document(type, number, day, partnerId, id) {
    let documentId = id;
    if (documentId === void 0) {
      documentId = (this.documentCounters.get(type) ?? 0) + 1;
      this.documentCounters.set(type, documentId);
    }
    return { type, id: documentId, number, day, partnerId };
  }
  post(doc, debit, credit, cents, explanation) {
    if (!Number.isInteger(cents) || cents <= 0) {
      throw new RangeError(
        `Ledger amount must be a positive number of bani, got ${cents} (${explanation})`
      );
    }
    const date = this.days.format(doc.day);
    const amount = cents / 100;
    this.writer.insert("ledger_entries", [
      ++this.ids.ledger,
      this.companyId,
      date,
      doc.type,
      doc.id,
      doc.number,
      debit,
      credit,
      amount,
      explanation
    ]);
    this.balances.set(debit, this.balance(debit) + cents);
    this.balances.set(credit, this.balance(credit) - cents);
    if (this.treasuryAccounts.has(debit)) this.mirror(doc, date, debit, explanation, amount, 0);
    if (this.treasuryAccounts.has(credit)) this.mirror(doc, date, credit, explanation, 0, amount);
  }
  mirror(doc, date, account, explanation, receipt, payment) {
    this.writer.insert("treasury_movements", [
      ++this.ids.treasury,
      this.companyId,
      account,
      date,
      doc.type,
      doc.number,
      explanation,
      doc.partnerId,
      receipt,
      payment
    ]);
  }
};

// src/erp/demo/profiles.ts
var COMPANY_PROFILES = [
  {
    code: "NORD",
    name: "Nord Construct SRL",
    city: "Cluj-Napoca",
    revenueMix: [
      ["704", 0.6],
      ["707", 0.25],
      ["701", 0.15]
    ],
    services: [
      "Lucr\u0103ri de construc\u021Bii",
      "Manoper\u0103 montaj",
      "Servicii de proiectare",
      "Lucr\u0103ri de renovare"
    ]
  },
  {
    code: "CARP",
    name: "Carpa\u021Bi Distribu\u021Bie SRL",
    city: "Bra\u0219ov",
    revenueMix: [
      ["707", 0.8],
      ["704", 0.2]
    ],
    services: ["Servicii de transport", "Servicii de depozitare", "Servicii logistice"]
  },
  {
    code: "DUNA",
    name: "Dun\u0103rea Agro Prod SA",
    city: "Gala\u021Bi",
    revenueMix: [
      ["701", 0.6],
      ["707", 0.3],
      ["704", 0.1]
    ],
    services: ["Servicii agricole", "Prest\u0103ri servicii mecanizare", "Servicii de uscare cereale"]
  },
  {
    code: "VEST",
    name: "Vest Logistic SRL",
    city: "Timi\u0219oara",
    revenueMix: [
      ["704", 0.75],
      ["707", 0.25]
    ],
    services: ["Transport marf\u0103", "Servicii de expedi\u021Bie", "\xCEnchiriere utilaje"]
  },
  {
    code: "MOLD",
    name: "Moldova Tehno Serv SRL",
    city: "Ia\u0219i",
    revenueMix: [
      ["704", 0.5],
      ["707", 0.5]
    ],
    services: ["Servicii IT", "Mentenan\u021B\u0103 echipamente", "Instalare re\u021Bele"]
  },
  {
    code: "OLTE",
    name: "Oltenia Food Com SRL",
    city: "Craiova",
    revenueMix: [
      ["707", 0.55],
      ["701", 0.45]
    ],
    services: ["Servicii catering", "Servicii de ambalare"]
  }
];
var REVENUE_LABELS = {
  "701": "V\xE2nzare produse finite",
  "704": "Prest\u0103ri servicii",
  "707": "V\xE2nzare m\u0103rfuri"
};
var SALE_AMOUNTS = {
  "701": [2e3, 5e4],
  "704": [800, 35e3],
  "707": [1500, 45e3]
};
var VAT_MIX = [
  [19, 0.85],
  [9, 0.1],
  [5, 0.05]
];
var STANDARD_VAT = [[19, 1]];
var PURCHASE_CATEGORIES = [
  {
    key: "goods",
    account: "371",
    label: "Achizi\u021Bie m\u0103rfuri",
    minLei: 0,
    maxLei: 0,
    weight: 0,
    vatMix: [
      [19, 0.85],
      [9, 0.15]
    ]
  },
  {
    key: "raw",
    account: "601",
    label: "Materii prime",
    minLei: 0,
    maxLei: 0,
    weight: 0,
    vatMix: [
      [19, 0.8],
      [9, 0.2]
    ]
  },
  {
    key: "fuel",
    account: "6022",
    label: "Combustibil",
    minLei: 150,
    maxLei: 2500,
    weight: 0.12,
    vatMix: STANDARD_VAT
  },
  {
    key: "supplies",
    account: "604",
    label: "Materiale nestocate",
    minLei: 80,
    maxLei: 2500,
    weight: 0.08,
    vatMix: STANDARD_VAT
  },
  {
    key: "repairs",
    account: "611",
    label: "Repara\u021Bii \u0219i \xEEntre\u021Binere",
    minLei: 300,
    maxLei: 8e3,
    weight: 0.06,
    vatMix: STANDARD_VAT
  },
  {
    key: "marketing",
    account: "623",
    label: "Publicitate \u0219i protocol",
    minLei: 500,
    maxLei: 1e4,
    weight: 0.04,
    vatMix: STANDARD_VAT
  },
  {
    key: "transport",
    account: "624",
    label: "Transport marf\u0103",
    minLei: 300,
    maxLei: 6e3,
    weight: 0.08,
    vatMix: STANDARD_VAT
  },
  {
    key: "services",
    account: "628",
    label: "Servicii contabilitate \u0219i IT",
    minLei: 500,
    maxLei: 7e3,
    weight: 0.05,
    vatMix: STANDARD_VAT
  }
];
var MONTHLY_SUPPLIERS = [
  {
    name: "Imobiliara Centrum SRL",
    account: "612",
    label: "Chirie spa\u021Biu",
    minLei: 4e3,
    maxLei: 15e3,
    vatRate: 19
  },
  {
    name: "Energo Furnizare SA",
    account: "605",
    label: "Energie electric\u0103",
    minLei: 800,
    maxLei: 6e3,
    vatRate: 19
  },
  {
    name: "Aqua Serv Urban SA",
    account: "605",
    label: "Ap\u0103 \u0219i canalizare",
    minLei: 150,
    maxLei: 1200,
    vatRate: 9
  },
  {
    name: "TelecomNet Comunica\u021Bii SA",
    account: "626",
    label: "Servicii telecomunica\u021Bii",
    minLei: 300,
    maxLei: 1500,
    vatRate: 19
  }
];
var MONTH_SEASON = [
  0.8,
  0.85,
  0.95,
  1,
  1.05,
  1.05,
  1,
  0.85,
  1.05,
  1.1,
  1.1,
  1.15
];
var MONTH_NAMES_RO = [
  "ianuarie",
  "februarie",
  "martie",
  "aprilie",
  "mai",
  "iunie",
  "iulie",
  "august",
  "septembrie",
  "octombrie",
  "noiembrie",
  "decembrie"
];

// src/erp/demo/economics.ts
var MATERIALS_SHARE = { "701": 0.5, "704": 0.25 };
function skewedMean([min, max]) {
  return (min + (max - min) / 3) * 100;
}
function companyEconomics(levels) {
  const share = (account) => levels.revenueMix.find(([code]) => code === account)?.[1] ?? 0;
  const categories = PURCHASE_CATEGORIES.map((category) => {
    if (category.key === "goods")
      return [category, share("707") > 0 ? 0.9 * share("707") + 0.05 : 0];
    if (category.key === "raw") return [category, 0.5 * share("701") + 0.25 * share("704")];
    return [category, category.weight];
  }).filter(([, weight]) => weight > 0);
  const totalWeight = categories.reduce((sum, [, weight]) => sum + weight, 0);
  const ordinaryPerMonth = Math.max(1, levels.purchaseLevel - MONTHLY_SUPPLIERS.length);
  const invoicesOf = (key) => ordinaryPerMonth * (categories.find(([category]) => category.key === key)?.[1] ?? 0) / totalWeight;
  const salesOf = (account) => levels.saleLevel * share(account) * skewedMean(SALE_AMOUNTS[account]);
  const monthlyGoodsCost = salesOf("707") * levels.costRatio / 100;
  const monthlyRawCost = salesOf("701") * MATERIALS_SHARE["701"] + salesOf("704") * MATERIALS_SHARE["704"];
  const goodsInvoices = invoicesOf("goods");
  const rawInvoices = invoicesOf("raw");
  return {
    categories,
    goodsInvoiceMean: goodsInvoices > 0 ? monthlyGoodsCost / goodsInvoices : 0,
    rawInvoiceMean: rawInvoices > 0 ? monthlyRawCost / rawInvoices : 0,
    monthlyGoodsCost,
    monthlyRevenue: salesOf("701") + salesOf("704") + salesOf("707"),
    payrollShare: 0.08 + 0.25 * share("704") + 0.12 * share("701")
  };
}

// src/erp/demo/chart-of-accounts.ts
var CHART_OF_ACCOUNTS = [
  { code: "101", name: "Capital", kind: "P" },
  { code: "1012", name: "Capital subscris v\u0103rsat", kind: "P" },
  { code: "117", name: "Rezultatul reportat", kind: "B" },
  { code: "121", name: "Profit sau pierdere", kind: "B" },
  { code: "213", name: "Instala\u021Bii tehnice \u0219i ma\u0219ini", kind: "A" },
  {
    code: "2131",
    name: "Echipamente tehnologice (ma\u0219ini, utilaje \u0219i instala\u021Bii de lucru)",
    kind: "A"
  },
  { code: "281", name: "Amortiz\u0103ri privind imobiliz\u0103rile corporale", kind: "P" },
  { code: "2813", name: "Amortizarea instala\u021Biilor \u0219i mijloacelor de transport", kind: "P" },
  { code: "371", name: "M\u0103rfuri", kind: "A" },
  { code: "401", name: "Furnizori", kind: "P" },
  { code: "411", name: "Clien\u021Bi", kind: "A" },
  { code: "4111", name: "Clien\u021Bi", kind: "A" },
  { code: "421", name: "Personal - salarii datorate", kind: "P" },
  { code: "431", name: "Asigur\u0103ri sociale", kind: "P" },
  { code: "436", name: "Contribu\u021Bia asiguratorie pentru munc\u0103", kind: "P" },
  { code: "442", name: "Taxa pe valoarea ad\u0103ugat\u0103", kind: "B" },
  { code: "4423", name: "TVA de plat\u0103", kind: "P" },
  { code: "4424", name: "TVA de recuperat", kind: "A" },
  { code: "4426", name: "TVA deductibil\u0103", kind: "A" },
  { code: "4427", name: "TVA colectat\u0103", kind: "P" },
  { code: "4428", name: "TVA neexigibil\u0103", kind: "B" },
  { code: "444", name: "Impozitul pe venituri de natura salariilor", kind: "P" },
  { code: "462", name: "Creditori diver\u0219i", kind: "P" },
  { code: "512", name: "Conturi curente la b\u0103nci", kind: "A" },
  { code: "5121", name: "Conturi la b\u0103nci \xEEn lei", kind: "A" },
  { code: "531", name: "Casa", kind: "A" },
  { code: "5311", name: "Casa \xEEn lei", kind: "A" },
  { code: "542", name: "Avansuri de trezorerie", kind: "A" },
  { code: "581", name: "Viramente interne", kind: "A" },
  { code: "601", name: "Cheltuieli cu materiile prime", kind: "A" },
  { code: "602", name: "Cheltuieli cu materialele consumabile", kind: "A" },
  { code: "6022", name: "Cheltuieli privind combustibilii", kind: "A" },
  { code: "604", name: "Cheltuieli privind materialele nestocate", kind: "A" },
  { code: "605", name: "Cheltuieli privind utilit\u0103\u021Bile", kind: "A" },
  { code: "607", name: "Cheltuieli privind m\u0103rfurile", kind: "A" },
  { code: "611", name: "Cheltuieli cu \xEEntre\u021Binerea \u0219i repara\u021Biile", kind: "A" },
  { code: "612", name: "Cheltuieli cu redeven\u021Bele, loca\u021Biile de gestiune \u0219i chiriile", kind: "A" },
  { code: "623", name: "Cheltuieli de protocol, reclam\u0103 \u0219i publicitate", kind: "A" },
  { code: "624", name: "Cheltuieli cu transportul de bunuri \u0219i personal", kind: "A" },
  { code: "625", name: "Cheltuieli cu deplas\u0103ri, deta\u0219\u0103ri \u0219i transfer\u0103ri", kind: "A" },
  { code: "626", name: "Cheltuieli po\u0219tale \u0219i taxe de telecomunica\u021Bii", kind: "A" },
  { code: "627", name: "Cheltuieli cu serviciile bancare \u0219i asimilate", kind: "A" },
  { code: "628", name: "Alte cheltuieli cu serviciile executate de ter\u021Bi", kind: "A" },
  { code: "635", name: "Cheltuieli cu alte impozite, taxe \u0219i v\u0103rs\u0103minte asimilate", kind: "A" },
  { code: "641", name: "Cheltuieli cu salariile personalului", kind: "A" },
  { code: "646", name: "Cheltuieli privind contribu\u021Bia asiguratorie pentru munc\u0103", kind: "A" },
  {
    code: "681",
    name: "Cheltuieli de exploatare privind amortiz\u0103rile, provizioanele \u0219i ajust\u0103rile pentru depreciere",
    kind: "A"
  },
  { code: "6811", name: "Cheltuieli de exploatare privind amortizarea imobiliz\u0103rilor", kind: "A" },
  { code: "701", name: "Venituri din v\xE2nzarea produselor finite", kind: "P" },
  { code: "704", name: "Venituri din servicii prestate", kind: "P" },
  { code: "707", name: "Venituri din v\xE2nzarea m\u0103rfurilor", kind: "P" },
  { code: "766", name: "Venituri din dob\xE2nzi", kind: "P" }
];
function placeAccount(code) {
  const accountClass = Number(code[0]);
  const dot = code.indexOf(".");
  if (dot >= 0) return { class: accountClass, level: "analytic", parentCode: code.slice(0, dot) };
  if (code.length === 3) return { class: accountClass, level: "synthetic1", parentCode: null };
  return { class: accountClass, level: "synthetic2", parentCode: code.slice(0, 3) };
}

// src/erp/demo/identity.ts
var CITIES = [
  "Bucure\u0219ti",
  "Cluj-Napoca",
  "Timi\u0219oara",
  "Ia\u0219i",
  "Constan\u021Ba",
  "Craiova",
  "Bra\u0219ov",
  "Gala\u021Bi",
  "Ploie\u0219ti",
  "Oradea",
  "Sibiu",
  "Arad",
  "Pite\u0219ti",
  "Bac\u0103u",
  "Suceava",
  "Baia Mare",
  "T\xE2rgu Mure\u0219",
  "Buz\u0103u",
  "Boto\u0219ani",
  "Satu Mare",
  "R\xE2mnicu V\xE2lcea",
  "Deva",
  "Foc\u0219ani",
  "Alba Iulia"
];
var REGIONS = [
  "Nord",
  "Sud",
  "Vest",
  "Est",
  "Carpa\u021Bi",
  "Dun\u0103rea",
  "Delta",
  "Bucegi",
  "Ceahl\u0103u",
  "Retezat",
  "Apuseni",
  "Olt",
  "Mure\u0219",
  "Siret",
  "Prut",
  "Arge\u0219",
  "Cri\u0219ana",
  "Banat",
  "Dobrogea",
  "Muntenia",
  "Oltenia",
  "Bihor",
  "Some\u0219",
  "Moldova",
  "Transilvania",
  "Maramure\u0219",
  "B\u0103r\u0103gan",
  "Vrancea"
];
var SURNAMES = [
  "Popescu",
  "Ionescu",
  "Popa",
  "Dumitru",
  "Stan",
  "Stoica",
  "Gheorghe",
  "Rusu",
  "Munteanu",
  "Matei",
  "Constantin",
  "Marin",
  "Laz\u0103r",
  "Ciobanu",
  "Florea",
  "Dinu",
  "Ene",
  "Tudor",
  "Mocanu",
  "Barbu",
  "Neagu",
  "Cristea",
  "Dobre",
  "Preda",
  "Moldovan",
  "Vasile",
  "Oprea",
  "Toma"
];
var TRADES = [
  "Construct",
  "Impex",
  "Trans",
  "Com",
  "Serv",
  "Prod",
  "Distribu\u021Bie",
  "Logistic",
  "Tehno",
  "Agro",
  "Electro",
  "Instal",
  "Mobila",
  "Consult",
  "Trade",
  "Food",
  "Metal",
  "Auto",
  "Med",
  "Print",
  "Soft",
  "Design",
  "Proiect",
  "Termo",
  "Eco",
  "Farm",
  "Textil",
  "Lemn",
  "Beton"
];
var PartnerNames = class {
  constructor(rng) {
    this.rng = rng;
  }
  rng;
  used = /* @__PURE__ */ new Set();
  /** Reserves a name chosen elsewhere (the fixed utility suppliers). */
  reserve(name) {
    this.used.add(name);
    return name;
  }
  next() {
    for (let attempt = 0; attempt < 30; attempt++) {
      const name = this.candidate(attempt >= 10);
      if (!this.used.has(name)) return this.reserve(name);
    }
    const base = this.candidate(true).replace(/ (SRL|SA)$/, "");
    for (let n = 2; ; n++) {
      const name = `${base} ${n} SRL`;
      if (!this.used.has(name)) return this.reserve(name);
    }
  }
  candidate(long) {
    const rng = this.rng;
    const form = rng.next();
    const suffix = rng.chance(0.85) ? "SRL" : "SA";
    let stem;
    if (form < 0.45) stem = `${rng.pick(REGIONS)} ${rng.pick(TRADES)}`;
    else if (form < 0.8) stem = `${rng.pick(SURNAMES)} ${rng.pick(TRADES)}`;
    else stem = `${rng.pick(TRADES)}${rng.pick(TRADES).toLowerCase()} ${rng.pick(SURNAMES)}`;
    if (long) stem = `${stem} ${rng.pick(CITIES)}`;
    return `${stem} ${suffix}`;
  }
};
var CUI_KEY = "753217532";
function cuiCheckDigit(body) {
  const padded = body.padStart(9, "0");
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(padded[i]) * Number(CUI_KEY[i]);
  const check = sum * 10 % 11;
  return check === 10 ? 0 : check;
}
var TaxIds = class {
  constructor(rng) {
    this.rng = rng;
  }
  rng;
  used = /* @__PURE__ */ new Set();
  next() {
    for (; ; ) {
      const body = String(this.rng.int(1e5, 49999999));
      const taxId = `RO${body}${cuiCheckDigit(body)}`;
      if (!this.used.has(taxId)) {
        this.used.add(taxId);
        return taxId;
      }
    }
  }
};
var BANKS = [
  { name: "Banca Transilvania", code: "BTRL", short: "BT" },
  { name: "Banca Comercial\u0103 Rom\xE2n\u0103", code: "RNCB", short: "BCR" },
  { name: "BRD - Groupe Soci\xE9t\xE9 G\xE9n\xE9rale", code: "BRDE", short: "BRD" },
  { name: "ING Bank", code: "INGB", short: "ING" },
  { name: "Raiffeisen Bank", code: "RZBR", short: "Raiffeisen" },
  { name: "CEC Bank", code: "CECE", short: "CEC" },
  { name: "UniCredit Bank", code: "BACX", short: "UniCredit" }
];
function romanianIban(rng, bankCode) {
  let account = "";
  for (let i = 0; i < 16; i++) account += String(rng.int(0, 9));
  const bban = `${bankCode}${account}`;
  const check = 98 - mod97(`${bban}RO00`);
  return `RO${String(check).padStart(2, "0")}${bban}`;
}
function mod97(text) {
  let remainder = 0;
  for (const char of text) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}

// src/erp/demo/master-data.ts
var CASH_ACCOUNT = "5311";
function writeMasterData(writer, rng, data) {
  const { companyId } = data;
  const kindOf = /* @__PURE__ */ new Map();
  const insertAccount = (code, name, kind) => {
    const placement = placeAccount(code);
    writer.insert("accounts", [
      companyId,
      code,
      name,
      placement.class,
      kind,
      placement.level,
      placement.parentCode
    ]);
  };
  for (const account of CHART_OF_ACCOUNTS) {
    kindOf.set(account.code, account.kind);
    insertAccount(account.code, account.name, account.kind);
  }
  const analytic = (code, name) => insertAccount(code, name, kindOf.get(placeAccount(code).parentCode ?? "") ?? "B");
  writer.insert("treasury_accounts", [
    companyId,
    CASH_ACCOUNT,
    "Casa \xEEn lei",
    "cash",
    null,
    null,
    "RON"
  ]);
  const banks = [...BANKS];
  for (const code of data.bankAccounts) {
    const [bank] = banks.splice(rng.int(0, banks.length - 1), 1);
    if (!bank) throw new RangeError(`More bank accounts than the ${BANKS.length} known banks`);
    const name = `Cont curent ${bank.short}`;
    const iban = romanianIban(rng, bank.code);
    writer.insert("treasury_accounts", [companyId, code, name, "bank", bank.name, iban, "RON"]);
    analytic(code, name);
  }
  for (const partner of data.clients) {
    writer.insert("partners", [
      partner.id,
      companyId,
      partner.name,
      partner.taxId,
      "client",
      partner.city
    ]);
    analytic(partner.account, partner.name);
  }
  for (const partner of data.suppliers) {
    writer.insert("partners", [
      partner.id,
      companyId,
      partner.name,
      partner.taxId,
      "supplier",
      partner.city
    ]);
    analytic(partner.account, partner.name);
  }
  const last = splitDay(data.end);
  const previous = addMonths(last.year, last.month, -1);
  const firstOpen = previous.year * 12 + previous.month;
  for (let i = 0; i < data.months; i++) {
    const { year, month } = addMonths(last.year, last.month, i - data.months + 1);
    writer.insert("periods", [companyId, year, month, year * 12 + month < firstOpen ? 1 : 0]);
  }
}

// src/erp/demo/month-end.ts
function percent(cents, rate) {
  return Math.round(cents * rate / 100);
}
function postPayroll(books, end, gross) {
  const pension = percent(gross, 25);
  const health = percent(gross, 10);
  const incomeTax = percent(gross - pension - health, 10);
  const workInsurance = Math.round(gross * 225 / 1e4);
  const net = gross - pension - health - incomeTax;
  const { period } = end;
  const doc = books.document("PAYROLL", `STAT ${end.label}`, end.day, null);
  books.post(doc, "641", "421", gross, `Salarii brute ${period}`);
  books.post(doc, "421", "431", pension, `CAS 25% re\u021Binut ${period}`);
  books.post(doc, "421", "431", health, `CASS 10% re\u021Binut ${period}`);
  books.post(doc, "421", "444", incomeTax, `Impozit pe salarii 10% ${period}`);
  books.post(doc, "646", "436", workInsurance, `CAM 2,25% ${period}`);
  return [
    {
      due: dayOf(end.next.year, end.next.month, 10),
      type: "PAYROLL",
      lines: [["421", net, `Plat\u0103 salarii nete ${period}`]]
    },
    {
      due: dayOf(end.next.year, end.next.month, 25),
      type: "PAYROLL",
      lines: [
        ["431", pension + health, `Plat\u0103 CAS \u0219i CASS ${period}`],
        ["444", incomeTax, `Plat\u0103 impozit pe salarii ${period}`],
        ["436", workInsurance, `Plat\u0103 CAM ${period}`]
      ]
    }
  ];
}
function postDepreciation(books, end, cost, months) {
  const remaining = cost + books.balance("2813");
  const cents = Math.min(remaining, Math.round(cost / months));
  if (cents <= 0) return;
  const doc = books.document("DEPRECIATION", `AMORT ${end.label}`, end.day, null);
  books.post(doc, "6811", "2813", cents, `Amortizare echipamente ${end.period}`);
}
function postBankFee(books, end, bank, fee, number) {
  const cents = Math.min(fee, books.balance(bank));
  if (cents <= 0) return;
  const doc = books.document("BANK_FEE", number, end.day, null);
  books.post(doc, "627", bank, cents, `Comisioane bancare ${end.period}`);
}
function postVatReturn(books, end) {
  const collected = -books.balance("4427");
  const deductible = books.balance("4426");
  if (collected <= 0 && deductible <= 0) return [];
  const { period } = end;
  const doc = books.document("VAT_SETTLEMENT", `D300 ${end.label}`, end.day, null);
  const offset = Math.min(collected, deductible);
  if (offset > 0) books.post(doc, "4427", "4426", offset, `Regularizare TVA ${period}`);
  if (deductible > collected) {
    books.post(doc, "4424", "4426", deductible - collected, `TVA de recuperat ${period}`);
    return [];
  }
  const payable = collected - deductible;
  if (payable <= 0) return [];
  books.post(doc, "4427", "4423", payable, `TVA de plat\u0103 ${period}`);
  const carried = Math.min(payable, books.balance("4424"));
  if (carried > 0)
    books.post(doc, "4423", "4424", carried, `Compensare TVA de recuperat ${period}`);
  if (payable === carried) return [];
  return [
    {
      due: dayOf(end.next.year, end.next.month, 25),
      type: "VAT_SETTLEMENT",
      lines: [["4423", payable - carried, `Plat\u0103 TVA ${period}`]]
    }
  ];
}

// src/erp/demo/payment-plans.ts
var CLIENT_BEHAVIOUR_MIX = [
  ["prompt", 0.6],
  ["late", 0.25],
  ["partial", 0.1],
  ["defaulter", 0.05]
];
var SUPPLIER_BEHAVIOUR_MIX = [
  ["on-time", 0.8],
  ["late", 0.15],
  ["disputed", 0.05]
];
function part(rng, total, minShare, maxShare) {
  const cents = Math.round(total * (minShare + (maxShare - minShare) * rng.next()));
  return Math.min(total - 1, Math.max(1, cents));
}
function atLeast(day, earliest) {
  return day < earliest ? earliest : day;
}
function planClientPayments(rng, behaviour, issue, due, total) {
  const term = due - issue;
  const plan = [];
  const canSplit = total >= 2;
  const roll = rng.next();
  switch (behaviour) {
    case "prompt":
      if (roll < 0.8 || !canSplit) {
        plan.push({ day: issue + Math.round(term * (0.2 + 0.8 * rng.next())), cents: null });
      } else if (roll < 0.92) {
        plan.push({
          day: issue + Math.round(term * 0.4 * rng.next()),
          cents: part(rng, total, 0.3, 0.7)
        });
        plan.push({ day: due - rng.int(0, 3), cents: null });
      } else {
        plan.push({ day: due + rng.int(1, 15), cents: null });
      }
      break;
    case "late":
      if (roll < 0.7 || !canSplit) {
        plan.push({ day: due + rng.int(5, 75), cents: null });
      } else {
        plan.push({ day: due + rng.int(0, 20), cents: part(rng, total, 0.3, 0.6) });
        plan.push({ day: due + rng.int(30, 120), cents: null });
      }
      break;
    case "partial":
      plan.push({
        day: due + rng.int(-5, 30),
        cents: canSplit ? part(rng, total, 0.2, 0.6) : null
      });
      if (rng.chance(0.6)) plan.push({ day: due + rng.int(60, 240), cents: null });
      break;
    case "defaulter":
      if (roll < 0.5) break;
      if (roll < 0.8 && canSplit) {
        plan.push({ day: due + rng.int(30, 120), cents: part(rng, total, 0.1, 0.5) });
      } else {
        plan.push({ day: due + rng.int(90, 300), cents: null });
      }
      break;
  }
  return plan.map((p) => ({ day: atLeast(p.day, issue), cents: p.cents }));
}
function planSupplierPayments(rng, behaviour, issue, due, total) {
  const plan = [];
  const canSplit = total >= 2;
  switch (behaviour) {
    case "on-time":
      if (rng.chance(0.9) || !canSplit) {
        plan.push({ day: due - rng.int(0, 5), cents: null });
      } else {
        plan.push({
          day: issue + rng.int(0, Math.max(0, due - issue - 1)),
          cents: part(rng, total, 0.3, 0.6)
        });
        plan.push({ day: due, cents: null });
      }
      break;
    case "late":
      plan.push({ day: due + rng.int(5, 45), cents: null });
      break;
    case "disputed":
      if (rng.chance(0.5) && canSplit) {
        plan.push({ day: due, cents: part(rng, total, 0.3, 0.7) });
      } else {
        plan.push({ day: due + rng.int(60, 180), cents: null });
      }
      break;
  }
  return plan.map((p) => ({ day: atLeast(p.day, issue), cents: p.cents }));
}

// src/erp/demo/partners.ts
var PAYMENT_TERMS = [
  [15, 0.2],
  [30, 0.45],
  [45, 0.2],
  [60, 0.15]
];
function pad5(id) {
  return String(id).padStart(5, "0");
}
function invoiceSeries(name, rng) {
  const initials = name.split(/\s+/).filter((word) => word !== "SRL" && word !== "SA").map((word) => word[0] ?? "").join("").toUpperCase().slice(0, 3);
  return `${initials}${String.fromCharCode(65 + rng.int(0, 25))}`;
}
function createClients(rng, count, nextId, names, taxIds) {
  const clients = [];
  for (let i = 0; i < count; i++) {
    const id = nextId();
    clients.push({
      id,
      name: names.next(),
      taxId: taxIds.next(),
      city: rng.pick(CITIES),
      account: `4111.${pad5(id)}`,
      weight: 0.2 + 5 * rng.next() ** 3,
      termDays: rng.weighted(PAYMENT_TERMS),
      behaviour: rng.weighted(CLIENT_BEHAVIOUR_MIX),
      paysCash: rng.chance(0.15)
    });
  }
  return clients;
}
function createSuppliers(rng, categories, ordinaryCount, monthly, moneyScale, nextId, names, taxIds) {
  const suppliers = [];
  const add = (name, category, fixed) => {
    const id = nextId();
    const smallPurchases = category?.key === "fuel" || category?.key === "supplies";
    suppliers.push({
      id,
      name,
      taxId: taxIds.next(),
      city: rng.pick(CITIES),
      account: `401.${pad5(id)}`,
      weight: 0.3 + 3 * rng.next() ** 2,
      termDays: fixed ? 15 : rng.weighted(PAYMENT_TERMS),
      // Rent and utilities are paid on time: a cut-off costs more than a late fee.
      behaviour: fixed ? "on-time" : rng.weighted(SUPPLIER_BEHAVIOUR_MIX),
      paysCash: rng.chance(smallPurchases ? 0.6 : 0.1),
      category,
      monthly: fixed,
      monthlyCents: fixed ? rng.cents(fixed.minLei * moneyScale, fixed.maxLei * moneyScale) : 0,
      monthlyDay: rng.int(1, 12),
      series: invoiceSeries(name, rng),
      nextNumber: rng.int(100, 5e3)
    });
  };
  for (const fixed of monthly) add(names.reserve(fixed.name), null, fixed);
  for (const [category] of categories) add(names.next(), category, null);
  for (let i = categories.length; i < ordinaryCount; i++)
    add(names.next(), rng.weighted(categories), null);
  return suppliers;
}

// src/erp/demo/random.ts
function mixSeed(...parts) {
  let h = 2166136261;
  for (const part2 of parts) {
    const text = `${String(part2)}\0`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 16777619);
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 2246822507);
  h ^= h >>> 13;
  h = Math.imul(h, 3266489909);
  h ^= h >>> 16;
  return h >>> 0;
}
var Random = class _Random {
  a;
  b;
  c;
  d;
  constructor(seed) {
    let s = seed >>> 0;
    const split = () => {
      s = s + 2654435769 >>> 0;
      let z = s;
      z = Math.imul(z ^ z >>> 16, 2246822507);
      z = Math.imul(z ^ z >>> 13, 3266489909);
      return (z ^ z >>> 16) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    for (let i = 0; i < 12; i++) this.uint32();
  }
  /** An independent stream for one part of the data (a company, a table). */
  static derive(seed, ...labels) {
    return new _Random(mixSeed(seed, ...labels));
  }
  uint32() {
    const t = (this.a + this.b | 0) + this.d | 0;
    this.d = this.d + 1 | 0;
    this.a = this.b ^ this.b >>> 9;
    this.b = this.c + (this.c << 3) | 0;
    this.c = this.c << 21 | this.c >>> 11;
    this.c = this.c + t | 0;
    return t >>> 0;
  }
  /** Uniform in [0, 1). */
  next() {
    return this.uint32() / 4294967296;
  }
  /** Uniform integer in [min, max], both ends included. */
  int(min, max) {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(probability) {
    return this.next() < probability;
  }
  pick(items) {
    if (items.length === 0) throw new RangeError("pick() from an empty list");
    return items[Math.floor(this.next() * items.length)];
  }
  /** Picks by relative weight; for repeated picks from a long list use WeightedTable. */
  weighted(items) {
    let total = 0;
    for (const [, weight] of items) total += weight;
    let roll = this.next() * total;
    for (const [item, weight] of items) {
      roll -= weight;
      if (roll < 0) return item;
    }
    const last = items[items.length - 1];
    if (last === void 0) throw new RangeError("weighted() from an empty list");
    return last[0];
  }
  /** An amount in lei with 2 decimals, uniform in [min, max]. */
  amount(min, max) {
    return this.cents(min, max) / 100;
  }
  /**
   * An amount in whole bani (1/100 leu) between min and max lei. skew > 1 makes small amounts
   * more frequent than large ones, as with real invoices. Working in integers keeps every sum
   * exact; the REAL written to SQLite is cents / 100, which equals Math.round(x * 100) / 100.
   */
  cents(minLei, maxLei, skew = 1) {
    const u = skew === 1 ? this.next() : this.next() ** skew;
    return Math.round(minLei * 100 + (maxLei - minLei) * 100 * u);
  }
};
var WeightedTable = class {
  items;
  cumulative;
  constructor(entries) {
    if (entries.length === 0) throw new RangeError("WeightedTable needs at least one entry");
    this.items = entries.map(([item]) => item);
    this.cumulative = [];
    let total = 0;
    for (const [, weight] of entries) {
      total += weight;
      this.cumulative.push(total);
    }
  }
  pick(rng) {
    const total = this.cumulative[this.cumulative.length - 1];
    const roll = rng.next() * total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = lo + hi >>> 1;
      if (this.cumulative[mid] > roll) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
};

// src/erp/demo/company.ts
var CASH = CASH_ACCOUNT;
var IN_TRANSIT = "581";
var CASH_LIMIT = 5e5;
function pct(cents, percent2) {
  return Math.round(cents * percent2 / 100);
}
var CompanySimulation = class {
  constructor(context, company, range) {
    this.context = context;
    this.company = company;
    this.range = range;
    const { seed, scale } = range;
    this.rng = Random.derive(seed, "company", company.code, "books");
    const setup = Random.derive(seed, "company", company.code, "setup");
    this.revenueMix = company.profile.revenueMix;
    this.saleLevel = setup.int(28, 45);
    this.purchaseLevel = setup.int(28, 45);
    this.costRatio = setup.int(62, 76);
    const economics = companyEconomics({
      revenueMix: this.revenueMix,
      saleLevel: this.saleLevel,
      purchaseLevel: this.purchaseLevel,
      costRatio: this.costRatio
    });
    this.ordinaryCategories = economics.categories;
    this.goodsInvoiceMean = economics.goodsInvoiceMean;
    this.rawInvoiceMean = economics.rawInvoiceMean;
    this.averageGross = setup.cents(5e3, 8500);
    this.employees = Math.max(
      1,
      Math.round(economics.monthlyRevenue * scale * economics.payrollShare / this.averageGross)
    );
    this.equipmentCost = setup.cents(2e5 * scale, 9e5 * scale);
    this.depreciationMonths = setup.int(60, 120);
    this.targetStock = Math.round(economics.monthlyGoodsCost * scale * (1 + setup.next()));
    this.cashLow = Math.round(2e5 * scale);
    this.cashTarget = Math.round(8e5 * scale);
    this.cashHigh = Math.round(25e5 * scale);
    const bankCount = setup.chance(0.34) ? 3 : 2;
    const inflowWeights = bankCount === 3 ? [0.6, 0.25, 0.15] : [0.65, 0.35];
    this.banks = inflowWeights.map((weight, i) => ({
      code: `5121.0${i + 1}`,
      inflowWeight: weight
    }));
    this.bankInflow = new WeightedTable(
      this.banks.map((bank) => [bank.code, bank.inflowWeight])
    );
    const { ids, names, taxIds } = context;
    const nextPartnerId = () => ++ids.partner;
    this.clients = createClients(
      setup,
      Math.max(3, Math.round(setup.int(25, 45) * scale)),
      nextPartnerId,
      names,
      taxIds
    );
    this.suppliers = createSuppliers(
      setup,
      this.ordinaryCategories,
      Math.max(this.ordinaryCategories.length, Math.round(setup.int(18, 30) * scale)),
      MONTHLY_SUPPLIERS,
      scale,
      nextPartnerId,
      names,
      taxIds
    );
    this.clientTable = new WeightedTable(
      this.clients.map((client) => [client, client.weight])
    );
    this.monthlySuppliers = this.suppliers.filter((supplier) => supplier.monthly !== null);
    for (const [category] of this.ordinaryCategories) {
      const inCategory = this.suppliers.filter((supplier) => supplier.category === category);
      this.suppliersByCategory.set(
        category.key,
        new WeightedTable(inCategory.map((supplier) => [supplier, supplier.weight]))
      );
    }
    const treasury = /* @__PURE__ */ new Set([CASH, ...this.banks.map((bank) => bank.code)]);
    this.books = new Books(context.writer, context.days, ids, company.id, treasury);
    writeMasterData(context.writer, setup, {
      companyId: company.id,
      bankAccounts: this.banks.map((bank) => bank.code),
      clients: this.clients,
      suppliers: this.suppliers,
      end: range.end,
      months: range.months
    });
  }
  context;
  company;
  range;
  rng;
  books;
  clients;
  suppliers;
  clientTable;
  banks;
  bankInflow;
  revenueMix;
  ordinaryCategories;
  suppliersByCategory = /* @__PURE__ */ new Map();
  monthlySuppliers;
  invoices = [];
  payments = [];
  queue = /* @__PURE__ */ new Map();
  outgoingTransfers = /* @__PURE__ */ new Map();
  counters = {
    clientInvoice: 0,
    bankOrder: 0,
    cashReceipt: 0,
    cashPayment: 0,
    deposit: 0,
    withdrawal: 0
  };
  // Levels fixed per company: how busy it is, how big, how it runs its cash.
  saleLevel;
  purchaseLevel;
  costRatio;
  targetStock;
  /** Mean goods and raw-materials purchase (bani): they replace, month by month, what sales use up. */
  goodsInvoiceMean;
  rawInvoiceMean;
  employees;
  averageGross;
  equipmentCost;
  depreciationMonths;
  cashLow;
  cashTarget;
  cashHigh;
  // Per-month plan: how many invoices are issued on each day of the month.
  salesByDay = [];
  purchasesByDay = [];
  monthlyByDay = /* @__PURE__ */ new Map();
  monthIndex = -1;
  /** Runs every day from the first of the first month to the end date, then writes the invoices. */
  run() {
    const { start, end } = this.range;
    for (let day = start; day <= end; day++) {
      const { year, month, day: dayOfMonth } = splitDay(day);
      if (dayOfMonth === 1) this.planMonth(year, month);
      if (day === start) this.open(day);
      if (!isWeekend(day)) {
        for (const supplier of this.monthlyByDay.get(dayOfMonth) ?? [])
          this.issueMonthlyPurchase(day, supplier, year, month);
        for (let i = 0; i < (this.salesByDay[dayOfMonth] ?? 0); i++)
          this.issueSale(day, year, month);
        for (let i = 0; i < (this.purchasesByDay[dayOfMonth] ?? 0); i++)
          this.issueOrdinaryPurchase(day);
      }
      this.processEvents(day);
      if (!isWeekend(day)) this.manageCash(day);
      if (dayOfMonth === daysInMonth(year, month)) this.closeMonth(day, year, month);
    }
    this.flush();
  }
  // ---- Opening and monthly planning -------------------------------------------------------
  open(day) {
    const scale = this.range.scale;
    const doc = this.books.document("OPENING", "SI 1", day, null);
    const rng = this.rng;
    this.books.post(
      doc,
      "2131",
      "1012",
      this.equipmentCost,
      "Sold ini\u021Bial echipamente tehnologice"
    );
    if (this.targetStock > 0)
      this.books.post(doc, "371", "1012", this.targetStock, "Sold ini\u021Bial m\u0103rfuri");
    const openingBanks = [
      [25e4, 6e5],
      [5e4, 2e5],
      [2e4, 1e5]
    ];
    this.banks.forEach((bank, i) => {
      const [min, max] = openingBanks[i] ?? [2e4, 1e5];
      this.books.post(
        doc,
        bank.code,
        "1012",
        rng.cents(min * scale, max * scale),
        `Sold ini\u021Bial ${bank.code}`
      );
    });
    this.books.post(
      doc,
      CASH,
      "1012",
      Math.max(1, rng.cents(3e3 * scale, 12e3 * scale)),
      "Sold ini\u021Bial casa \xEEn lei"
    );
  }
  planMonth(year, month) {
    const rng = this.rng;
    this.monthIndex++;
    const trend = 0.85 + 0.3 * this.monthIndex / Math.max(1, this.range.months - 1);
    const season = MONTH_SEASON[month - 1] ?? 1;
    const count = (level) => {
      const base = Math.min(
        60,
        Math.max(20, Math.round(level * season * trend * (0.85 + 0.3 * rng.next())))
      );
      return Math.max(1, Math.round(base * this.range.scale));
    };
    const length = daysInMonth(year, month);
    const weekdays = [];
    for (let d = 1; d <= length; d++) if (!isWeekend(dayOf(year, month, d))) weekdays.push(d);
    const spread = (total) => {
      const byDay = new Array(length + 1).fill(0);
      for (let i = 0; i < total; i++) {
        const d = rng.pick(weekdays);
        byDay[d] = (byDay[d] ?? 0) + 1;
      }
      return byDay;
    };
    this.salesByDay = spread(count(this.saleLevel));
    const ordinaryPurchases = Math.max(1, count(this.purchaseLevel) - this.monthlySuppliers.length);
    this.purchasesByDay = spread(ordinaryPurchases);
    this.monthlyByDay = /* @__PURE__ */ new Map();
    for (const supplier of this.monthlySuppliers) {
      const d = splitDay(onOrAfterWeekday(dayOf(year, month, supplier.monthlyDay))).day;
      this.monthlyByDay.set(d, [...this.monthlyByDay.get(d) ?? [], supplier]);
    }
  }
  // ---- Invoices ---------------------------------------------------------------------------
  issueSale(day, year, month) {
    const rng = this.rng;
    const client = this.clientTable.pick(rng);
    const revenue = rng.weighted(this.revenueMix);
    const [min, max] = SALE_AMOUNTS[revenue];
    const net = rng.cents(min, max, 2);
    const rate = rng.weighted(VAT_MIX);
    const vat = pct(net, rate);
    const number = `${this.company.code} ${String(++this.counters.clientInvoice).padStart(6, "0")}`;
    const description = revenue === "704" ? `${rng.pick(this.company.profile.services)} ${MONTH_NAMES_RO[month - 1]} ${year}` : REVENUE_LABELS[revenue];
    const invoice = this.newInvoice(
      "client",
      number,
      client.id,
      day,
      day + client.termDays,
      net,
      vat,
      description
    );
    const doc = this.books.document("SALE_INVOICE", number, day, client.id, invoice.id);
    this.books.post(doc, client.account, revenue, net, `Factura ${number} - ${client.name}`);
    this.books.post(doc, client.account, "4427", vat, `TVA colectat\u0103 ${rate}% factura ${number}`);
    if (revenue === "707") {
      const cost = Math.min(
        this.books.balance("371"),
        Math.round(net * (this.costRatio + rng.int(-5, 5)) / 100)
      );
      if (cost > 0)
        this.books.post(doc, "607", "371", cost, `Desc\u0103rcare gestiune m\u0103rfuri factura ${number}`);
    }
    for (const planned of planClientPayments(
      rng,
      client.behaviour,
      invoice.issue,
      invoice.due,
      invoice.total
    )) {
      this.schedule(planned.day, day, { kind: "collect", invoice, client, cents: planned.cents });
    }
  }
  issueOrdinaryPurchase(day) {
    const rng = this.rng;
    const pressure = this.targetStock / Math.max(1, this.books.balance("371"));
    const weights = this.ordinaryCategories.map(
      ([category2, weight]) => [
        category2,
        category2.key === "goods" ? weight * Math.min(2, Math.max(0.5, pressure)) : weight
      ]
    );
    const category = rng.weighted(weights);
    const supplier = this.suppliersByCategory.get(category.key)?.pick(rng);
    if (!supplier) throw new Error(`No supplier for category ${category.key}`);
    const spread = 0.4 + 1.2 * rng.next();
    let net;
    if (category.key === "goods")
      net = this.goodsInvoiceMean * spread * Math.min(1.8, Math.max(0.6, pressure));
    else if (category.key === "raw") net = this.rawInvoiceMean * spread;
    else net = rng.cents(category.minLei, category.maxLei, 2);
    net = Math.max(1e3, Math.round(net));
    this.issuePurchase(
      day,
      supplier,
      category.account,
      net,
      rng.weighted(category.vatMix),
      category.label
    );
  }
  issueMonthlyPurchase(day, supplier, year, month) {
    const fixed = supplier.monthly;
    if (!fixed) return;
    const net = fixed.account === "612" ? Math.round(supplier.monthlyCents * (1 + 0.05 * Math.floor(this.monthIndex / 12))) : Math.round(supplier.monthlyCents * (0.75 + 0.5 * this.rng.next()));
    this.issuePurchase(
      day,
      supplier,
      fixed.account,
      net,
      fixed.vatRate,
      `${fixed.label} ${MONTH_NAMES_RO[month - 1]} ${year}`
    );
  }
  issuePurchase(day, supplier, account, net, rate, description) {
    const number = `${supplier.series} ${supplier.nextNumber}`;
    supplier.nextNumber += this.rng.int(1, 40);
    const vat = pct(net, rate);
    const invoice = this.newInvoice(
      "supplier",
      number,
      supplier.id,
      day,
      day + supplier.termDays,
      net,
      vat,
      description
    );
    const doc = this.books.document("PURCHASE_INVOICE", number, day, supplier.id, invoice.id);
    this.books.post(doc, account, supplier.account, net, `Factura ${number} - ${supplier.name}`);
    this.books.post(
      doc,
      "4426",
      supplier.account,
      vat,
      `TVA deductibil\u0103 ${rate}% factura ${number}`
    );
    for (const planned of planSupplierPayments(
      this.rng,
      supplier.behaviour,
      invoice.issue,
      invoice.due,
      invoice.total
    )) {
      this.schedule(planned.day, day, { kind: "settle", invoice, supplier, cents: planned.cents });
    }
  }
  newInvoice(kind, number, partnerId, issue, due, net, vat, description) {
    const invoice = {
      id: ++this.context.ids.invoice,
      kind,
      number,
      partnerId,
      issue,
      due,
      net,
      vat,
      total: net + vat,
      paid: 0,
      description
    };
    this.invoices.push(invoice);
    return invoice;
  }
  // ---- Money movements --------------------------------------------------------------------
  /** Events land on a weekday on or after `day`; anything past the end date never happens. */
  schedule(day, today, event) {
    const when = onOrAfterWeekday(Math.max(day, today));
    if (when > this.range.end) return;
    const list = this.queue.get(when);
    if (list) list.push(event);
    else this.queue.set(when, [event]);
  }
  processEvents(day) {
    const events = this.queue.get(day);
    if (!events) return;
    this.queue.delete(day);
    for (const event of events)
      if (event.kind === "collect") this.collect(day, event.invoice, event.client, event.cents);
    for (const event of events) {
      switch (event.kind) {
        case "collect":
          break;
        case "settle":
          this.settle(day, event);
          break;
        case "obligation":
          this.payObligation(day, event.obligation);
          break;
      }
    }
  }
  collect(day, invoice, client, planned) {
    const owed = invoice.total - invoice.paid;
    const cents = planned === null ? owed : Math.min(planned, owed);
    if (cents <= 0) return;
    const inCash = client.paysCash && cents <= CASH_LIMIT && this.rng.chance(0.8);
    const account = inCash ? CASH : this.bankInflow.pick(this.rng);
    const paymentId = ++this.context.ids.payment;
    const number = inCash ? `CH ${++this.counters.cashReceipt}` : this.statementNumber(account, day);
    const doc = this.books.document("RECEIPT", number, day, client.id, paymentId);
    this.books.post(
      doc,
      account,
      client.account,
      cents,
      `\xCEncasare factura ${invoice.number} - ${client.name}`
    );
    this.recordPayment(paymentId, invoice, day, cents, account);
  }
  settle(day, event) {
    const { invoice, supplier } = event;
    const owed = invoice.total - invoice.paid;
    const cents = event.cents === null ? owed : Math.min(event.cents, owed);
    if (cents <= 0) return;
    const inCash = supplier.paysCash && cents <= CASH_LIMIT && this.books.balance(CASH) >= cents;
    const account = inCash ? CASH : this.bankWithFunds(cents);
    if (account === null) {
      this.schedule(day + this.rng.int(2, 6), day + 1, event);
      return;
    }
    if (!inCash) this.countTransfer(account);
    const paymentId = ++this.context.ids.payment;
    const number = inCash ? `DP ${++this.counters.cashPayment}` : `OP ${++this.counters.bankOrder}`;
    const doc = this.books.document("PAYMENT", number, day, supplier.id, paymentId);
    this.books.post(
      doc,
      supplier.account,
      account,
      cents,
      `Plat\u0103 factura ${invoice.number} - ${supplier.name}`
    );
    this.recordPayment(paymentId, invoice, day, cents, account);
  }
  recordPayment(paymentId, invoice, day, cents, account) {
    invoice.paid += cents;
    this.payments.push([
      paymentId,
      this.company.id,
      invoice.id,
      this.context.days.format(day),
      cents / 100,
      account
    ]);
  }
  /** Salaries, social contributions and VAT: paid from the bank, a day later if money is short. */
  payObligation(day, obligation) {
    const total = obligation.lines.reduce((sum, [, cents]) => sum + cents, 0);
    const account = this.bankWithFunds(total);
    if (account === null) {
      this.schedule(day + 1, day + 1, { kind: "obligation", obligation });
      return;
    }
    this.countTransfer(account);
    const doc = this.books.document(obligation.type, `OP ${++this.counters.bankOrder}`, day, null);
    for (const [debit, cents, explanation] of obligation.lines) {
      this.books.post(doc, debit, account, cents, explanation);
    }
  }
  /** Outflows leave the accounts in the same proportions clients pay into them; else the richest. */
  bankWithFunds(cents) {
    const preferred = this.bankInflow.pick(this.rng);
    if (this.books.balance(preferred) >= cents) return preferred;
    let richest = null;
    for (const bank of this.banks) {
      if (this.books.balance(bank.code) >= cents && (richest === null || this.books.balance(bank.code) > this.books.balance(richest))) {
        richest = bank.code;
      }
    }
    return richest;
  }
  countTransfer(account) {
    this.outgoingTransfers.set(account, (this.outgoingTransfers.get(account) ?? 0) + 1);
  }
  /** Keeps a float in the till: bank the surplus, withdraw when it runs low (always via 581). */
  manageCash(day) {
    const cash = this.books.balance(CASH);
    const primary = this.banks[0]?.code ?? "5121.01";
    if (cash > this.cashHigh) {
      const cents = Math.floor((cash - this.cashTarget) / 1e4) * 1e4;
      if (cents <= 0) return;
      const doc = this.books.document("CASH_TRANSFER", `FV ${++this.counters.deposit}`, day, null);
      this.books.post(doc, IN_TRANSIT, CASH, cents, "Depunere numerar la banc\u0103");
      this.books.post(doc, primary, IN_TRANSIT, cents, "\xCEncasare numerar depus \xEEn cont");
    } else if (cash < this.cashLow) {
      const cents = Math.ceil((this.cashTarget - cash) / 1e4) * 1e4;
      const bank = this.bankWithFunds(cents);
      if (bank === null || cents <= 0) return;
      const doc = this.books.document(
        "CASH_TRANSFER",
        `CEC ${++this.counters.withdrawal}`,
        day,
        null
      );
      this.books.post(doc, IN_TRANSIT, bank, cents, "Ridicare numerar de la banc\u0103");
      this.books.post(doc, CASH, IN_TRANSIT, cents, "Intrare numerar \xEEn casierie");
    }
  }
  // ---- Month end ----------------------------------------------------------------------------
  closeMonth(day, year, month) {
    const end = {
      day,
      period: `${MONTH_NAMES_RO[month - 1]} ${year}`,
      label: `${String(month).padStart(2, "0")}/${year}`,
      next: addMonths(year, month, 1)
    };
    const rng = this.rng;
    if (rng.chance(0.15)) this.employees = Math.max(1, this.employees + (rng.chance(0.6) ? 1 : -1));
    const raise = 1 + 8e-3 * this.monthIndex;
    const bonus = month === 12 ? 1.2 : 1;
    const gross = Math.round(
      this.employees * this.averageGross * raise * bonus * (0.97 + 0.06 * rng.next())
    );
    const obligations = postPayroll(this.books, end, gross);
    postDepreciation(this.books, end, this.equipmentCost, this.depreciationMonths);
    for (const bank of this.banks) {
      const fee = rng.cents(15, 40) + 200 * (this.outgoingTransfers.get(bank.code) ?? 0);
      postBankFee(this.books, end, bank.code, fee, this.statementNumber(bank.code, day));
    }
    this.outgoingTransfers.clear();
    obligations.push(...postVatReturn(this.books, end));
    for (const obligation of obligations)
      this.schedule(obligation.due, day, { kind: "obligation", obligation });
  }
  // ---- Helpers ------------------------------------------------------------------------------
  /** Incoming transfers and bank fees appear on the day's statement: "EXT 01/20240315". */
  statementNumber(bank, day) {
    return `EXT ${bank.slice(-2)}/${this.context.days.format(day).replaceAll("-", "")}`;
  }
  /** Invoices go in last because their paid amount is only known once the simulation ends. */
  flush() {
    const { writer, days } = this.context;
    for (const invoice of this.invoices) {
      writer.insert("invoices", [
        invoice.id,
        this.company.id,
        invoice.kind,
        invoice.number,
        invoice.partnerId,
        days.format(invoice.issue),
        days.format(invoice.due),
        invoice.net / 100,
        invoice.vat / 100,
        invoice.total / 100,
        invoice.paid / 100,
        "RON",
        invoice.description
      ]);
    }
    for (const payment of this.payments) writer.insert("payments", payment);
  }
};

// src/erp/demo/schema.ts
var DEMO_ERP_SCHEMA_VERSION = 2;
var DEMO_ERP_TABLES = [
  "meta",
  "companies",
  "periods",
  "accounts",
  "partners",
  "treasury_accounts",
  "invoices",
  "payments",
  "ledger_entries",
  "treasury_movements"
];
var DDL = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS companies (
  id       INTEGER PRIMARY KEY,
  code     TEXT NOT NULL UNIQUE,
  name     TEXT NOT NULL,
  tax_id   TEXT NOT NULL,
  currency TEXT NOT NULL DEFAULT 'RON',
  city     TEXT
);

CREATE TABLE IF NOT EXISTS periods (
  company_id INTEGER NOT NULL REFERENCES companies(id),
  year       INTEGER NOT NULL,
  month      INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
  closed     INTEGER NOT NULL CHECK (closed IN (0, 1)),
  PRIMARY KEY (company_id, year, month)
);

CREATE TABLE IF NOT EXISTS accounts (
  company_id  INTEGER NOT NULL REFERENCES companies(id),
  code        TEXT NOT NULL,
  name        TEXT NOT NULL,
  class       INTEGER NOT NULL CHECK (class BETWEEN 1 AND 7),
  kind        TEXT NOT NULL CHECK (kind IN ('A', 'P', 'B')),
  level       TEXT NOT NULL CHECK (level IN ('synthetic1', 'synthetic2', 'analytic')),
  parent_code TEXT,
  PRIMARY KEY (company_id, code)
);

CREATE TABLE IF NOT EXISTS partners (
  id         INTEGER PRIMARY KEY,
  company_id INTEGER NOT NULL REFERENCES companies(id),
  name       TEXT NOT NULL,
  tax_id     TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('client', 'supplier')),
  city       TEXT
);

CREATE TABLE IF NOT EXISTS treasury_accounts (
  company_id INTEGER NOT NULL REFERENCES companies(id),
  code       TEXT NOT NULL,
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('cash', 'bank')),
  bank_name  TEXT,
  iban       TEXT,
  currency   TEXT NOT NULL DEFAULT 'RON',
  PRIMARY KEY (company_id, code)
);

CREATE TABLE IF NOT EXISTS invoices (
  id           INTEGER PRIMARY KEY,
  company_id   INTEGER NOT NULL REFERENCES companies(id),
  kind         TEXT NOT NULL CHECK (kind IN ('client', 'supplier')),
  number       TEXT NOT NULL,
  partner_id   INTEGER NOT NULL REFERENCES partners(id),
  issue_date   TEXT NOT NULL,
  due_date     TEXT NOT NULL,
  net_amount   REAL NOT NULL,
  vat_amount   REAL NOT NULL,
  total_amount REAL NOT NULL,
  paid_amount  REAL NOT NULL,
  currency     TEXT NOT NULL DEFAULT 'RON',
  description  TEXT
);

CREATE TABLE IF NOT EXISTS payments (
  id           INTEGER PRIMARY KEY,
  company_id   INTEGER NOT NULL REFERENCES companies(id),
  invoice_id   INTEGER NOT NULL REFERENCES invoices(id),
  date         TEXT NOT NULL,
  amount       REAL NOT NULL CHECK (amount > 0),
  account_code TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS treasury_movements (
  id              INTEGER PRIMARY KEY,
  company_id      INTEGER NOT NULL REFERENCES companies(id),
  account_code    TEXT NOT NULL,
  date            TEXT NOT NULL,
  document_type   TEXT NOT NULL,
  document_number TEXT NOT NULL,
  description     TEXT NOT NULL,
  partner_id      INTEGER,
  receipt         REAL NOT NULL CHECK (receipt >= 0),
  payment         REAL NOT NULL CHECK (payment >= 0)
);

CREATE TABLE IF NOT EXISTS ledger_entries (
  id              INTEGER PRIMARY KEY,
  company_id      INTEGER NOT NULL REFERENCES companies(id),
  date            TEXT NOT NULL,
  document_type   TEXT NOT NULL,
  document_id     INTEGER NOT NULL,
  document_number TEXT NOT NULL,
  debit_account   TEXT NOT NULL,
  credit_account  TEXT NOT NULL,
  amount          REAL NOT NULL CHECK (amount > 0),
  explanation     TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS ledger_entries_company_date ON ledger_entries (company_id, date);
-- Covering, in account order: a trial balance sums one side per account straight from
-- the index, with no table lookups and no sort for the GROUP BY (3x faster at 1M lines).
CREATE INDEX IF NOT EXISTS ledger_entries_company_debit_date_amount ON ledger_entries (company_id, debit_account, date, amount);
CREATE INDEX IF NOT EXISTS ledger_entries_company_credit_date_amount ON ledger_entries (company_id, credit_account, date, amount);
CREATE INDEX IF NOT EXISTS invoices_company_kind_issue ON invoices (company_id, kind, issue_date);
CREATE INDEX IF NOT EXISTS invoices_company_kind_due ON invoices (company_id, kind, due_date);
CREATE INDEX IF NOT EXISTS payments_invoice ON payments (invoice_id);
CREATE INDEX IF NOT EXISTS treasury_movements_company_account_date ON treasury_movements (company_id, account_code, date);
CREATE INDEX IF NOT EXISTS partners_company ON partners (company_id);
`;
function createDemoErpSchema(db) {
  db.exec(DDL);
}

// src/erp/demo/writer.ts
var COLUMNS = {
  meta: ["key", "value"],
  companies: ["id", "code", "name", "tax_id", "currency", "city"],
  periods: ["company_id", "year", "month", "closed"],
  accounts: ["company_id", "code", "name", "class", "kind", "level", "parent_code"],
  partners: ["id", "company_id", "name", "tax_id", "kind", "city"],
  treasury_accounts: ["company_id", "code", "name", "kind", "bank_name", "iban", "currency"],
  invoices: [
    "id",
    "company_id",
    "kind",
    "number",
    "partner_id",
    "issue_date",
    "due_date",
    "net_amount",
    "vat_amount",
    "total_amount",
    "paid_amount",
    "currency",
    "description"
  ],
  payments: ["id", "company_id", "invoice_id", "date", "amount", "account_code"],
  ledger_entries: [
    "id",
    "company_id",
    "date",
    "document_type",
    "document_id",
    "document_number",
    "debit_account",
    "credit_account",
    "amount",
    "explanation"
  ],
  treasury_movements: [
    "id",
    "company_id",
    "account_code",
    "date",
    "document_type",
    "document_number",
    "description",
    "partner_id",
    "receipt",
    "payment"
  ]
};
var DemoErpWriter = class {
  constructor(db) {
    this.db = db;
    const counts = {};
    const statements = {};
    for (const table of DEMO_ERP_TABLES) {
      const columns = COLUMNS[table];
      counts[table] = 0;
      statements[table] = db.prepare(
        `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`
      );
    }
    this.counts = counts;
    this.statements = statements;
  }
  db;
  counts;
  statements;
  insert(table, row) {
    this.statements[table].run(row);
    this.counts[table]++;
  }
  /** Empties every demo table, children first so foreign keys never object. */
  clear() {
    for (const table of [...DEMO_ERP_TABLES].reverse())
      this.db.prepare(`DELETE FROM ${table}`).run();
  }
};

// src/erp/demo/generate.ts
var DEMO_ERP_DEFAULTS = { seed: 42, companies: 3, months: 24, scale: 1 };
var DEMO_ERP_MIN_MONTHS = 24;
var DEMO_ERP_MIN_SCALE = 0.01;
function resolveOptions(options) {
  const seed = options.seed ?? DEMO_ERP_DEFAULTS.seed;
  const companies = options.companies ?? DEMO_ERP_DEFAULTS.companies;
  const months = options.months ?? DEMO_ERP_DEFAULTS.months;
  const scale = options.scale ?? DEMO_ERP_DEFAULTS.scale;
  if (!Number.isSafeInteger(seed))
    throw new RangeError(`Demo ERP seed must be an integer, got ${seed}`);
  if (!Number.isInteger(companies) || companies < 1) {
    throw new RangeError(`Demo ERP companies must be a positive integer, got ${companies}`);
  }
  if (!Number.isInteger(months) || months < DEMO_ERP_MIN_MONTHS) {
    throw new RangeError(
      `Demo ERP months must be an integer of at least ${DEMO_ERP_MIN_MONTHS}, got ${months}`
    );
  }
  if (!Number.isFinite(scale) || scale < DEMO_ERP_MIN_SCALE) {
    throw new RangeError(`Demo ERP scale must be at least ${DEMO_ERP_MIN_SCALE}, got ${scale}`);
  }
  const end = parseIsoDate(options.endDate ?? todayUtc());
  const last = splitDay(end);
  const first = addMonths(last.year, last.month, 1 - months);
  return { seed, companies, months, scale, start: dayOf(first.year, first.month, 1), end };
}
function companySetups(count, taxIds) {
  const setups = [];
  for (let i = 0; i < count; i++) {
    const profile = COMPANY_PROFILES[i % COMPANY_PROFILES.length];
    if (!profile) throw new Error("No company profiles defined");
    const round = Math.floor(i / COMPANY_PROFILES.length) + 1;
    setups.push({
      id: i + 1,
      code: round === 1 ? profile.code : `${profile.code}${round}`,
      name: round === 1 ? profile.name : profile.name.replace(/ (SRL|SA)$/, ` ${round} $1`),
      city: profile.city,
      taxId: taxIds.next(),
      profile
    });
  }
  return setups;
}
function generateDemoErp(db, options = {}) {
  const started = performance.now();
  const resolved = resolveOptions(options);
  createDemoErpSchema(db);
  const writer = new DemoErpWriter(db);
  db.transaction(() => {
    writer.clear();
    const endDate = formatDay(resolved.end);
    const meta = [
      ["schema_version", String(DEMO_ERP_SCHEMA_VERSION)],
      ["seed", String(resolved.seed)],
      ["scale", String(resolved.scale)],
      ["companies", String(resolved.companies)],
      ["months", String(resolved.months)],
      ["start_date", formatDay(resolved.start)],
      ["end_date", endDate],
      // The one value that differs between two runs with the same options.
      ["generated_at", (/* @__PURE__ */ new Date()).toISOString()]
    ];
    for (const row of meta) writer.insert("meta", row);
    const taxIds = new TaxIds(Random.derive(resolved.seed, "tax-ids"));
    const ids = { ledger: 0, treasury: 0, partner: 0, invoice: 0, payment: 0 };
    const days = new DayFormatter();
    for (const company of companySetups(resolved.companies, taxIds)) {
      writer.insert("companies", [
        company.id,
        company.code,
        company.name,
        company.taxId,
        "RON",
        company.city
      ]);
      const names = new PartnerNames(Random.derive(resolved.seed, "partner-names", company.code));
      const context = { writer, days, ids, names, taxIds };
      new CompanySimulation(context, company, {
        start: resolved.start,
        end: resolved.end,
        months: resolved.months,
        scale: resolved.scale,
        seed: resolved.seed
      }).run();
    }
  })();
  return {
    seed: resolved.seed,
    companies: resolved.companies,
    months: resolved.months,
    scale: resolved.scale,
    startDate: formatDay(resolved.start),
    endDate: formatDay(resolved.end),
    counts: { ...writer.counts },
    ms: Math.round(performance.now() - started)
  };
}

// src/erp/create-erp.ts
import { existsSync as existsSync2, mkdirSync, renameSync, rmSync } from "fs";
import path2 from "path";
import Database2 from "better-sqlite3";

// src/erp/oracle-erp.ts
import { ServiceUnavailableError as ServiceUnavailableError2 } from "@roa2web/plugin-sdk";

// src/erp/erp-errors.ts
import { InternalError, isRoaError, ServiceUnavailableError } from "@roa2web/plugin-sdk";
var UNAVAILABLE_CODES = /* @__PURE__ */ new Set([
  "NJS-500",
  // connection closed
  "NJS-501",
  "NJS-503",
  // connection to host could not be established
  "NJS-040",
  // queue timeout
  "NJS-076",
  "NJS-123",
  "ORA-03113",
  "ORA-03114",
  "ORA-03135",
  "ORA-12170",
  "ORA-12514",
  "ORA-12541",
  "SQLITE_CANTOPEN",
  "SQLITE_BUSY"
]);
function toErpError(error, sql) {
  if (isRoaError(error)) return error;
  const code = error?.code ?? "";
  const prefix = code.split(":")[0] ?? "";
  if (UNAVAILABLE_CODES.has(prefix) || UNAVAILABLE_CODES.has(code)) {
    return new ServiceUnavailableError("The ERP database is not reachable right now", {
      cause: error
    });
  }
  return new InternalError("The ERP query failed", {
    cause: sql ? Object.assign(new Error(String(error)), { cause: error, sql }) : error
  });
}

// src/erp/oracle-erp.ts
var OracleErpClient = class {
  constructor(driver, settings, logger, retryIntervalMs = 1e4) {
    this.driver = driver;
    this.settings = settings;
    this.logger = logger;
    this.retryIntervalMs = retryIntervalMs;
  }
  driver;
  settings;
  logger;
  retryIntervalMs;
  dialect = "oracle";
  pool;
  connecting;
  retryTimer;
  lastError;
  closed = false;
  /** Creates the pool; on failure keeps retrying in the background and resolves anyway. */
  async open() {
    try {
      await this.ensurePool();
    } catch {
    }
  }
  ensurePool() {
    if (this.pool) return Promise.resolve(this.pool);
    if (this.closed)
      return Promise.reject(new ServiceUnavailableError2("The ERP connection is closed"));
    this.connecting ??= this.driver.createPool({
      user: this.settings.user,
      password: this.settings.password,
      connectString: this.settings.connectString,
      poolMin: this.settings.poolMin,
      poolMax: this.settings.poolMax,
      poolIncrement: 1,
      queueTimeout: this.settings.queueTimeoutMs,
      connectTimeout: this.settings.connectTimeoutSeconds,
      poolPingInterval: 60,
      enableStatistics: true
    }).then((pool) => {
      this.pool = pool;
      this.lastError = void 0;
      this.logger.info(
        {
          connectString: this.settings.connectString,
          poolMin: this.settings.poolMin,
          poolMax: this.settings.poolMax
        },
        "Oracle pool ready"
      );
      return pool;
    }).catch((error) => {
      this.lastError = error instanceof Error ? error.message : String(error);
      this.logger.error(
        { err: error },
        "Oracle pool could not be created; retrying in the background"
      );
      this.scheduleRetry();
      throw new ServiceUnavailableError2("The ERP database is not reachable right now", {
        cause: error
      });
    }).finally(() => {
      this.connecting = void 0;
    });
    return this.connecting;
  }
  scheduleRetry() {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = void 0;
      this.ensurePool().catch(() => void 0);
    }, this.retryIntervalMs);
    this.retryTimer.unref();
  }
  /** A pooled connection with the call timeout set; the caller must close it. */
  async acquire(options) {
    const pool = await this.ensurePool();
    let connection;
    try {
      connection = await pool.getConnection();
    } catch (error) {
      throw toErpError(error);
    }
    connection.callTimeout = options?.timeoutMs ?? this.settings.callTimeoutMs;
    return connection;
  }
  async withConnection(options, work) {
    const connection = await this.acquire(options);
    try {
      return await work(connection);
    } finally {
      await connection.close().catch(
        (error) => this.logger.warn({ err: error }, "Oracle connection release failed")
      );
    }
  }
  async query(sql, binds = {}, options) {
    return this.withConnection(options, async (connection) => {
      try {
        const result = await connection.execute(sql, binds, {
          outFormat: this.driver.OUT_FORMAT_OBJECT
        });
        return (result.rows ?? []).map((row) => lowerCaseKeys(row));
      } catch (error) {
        throw toErpError(error, sql);
      }
    });
  }
  async queryOne(sql, binds = {}, options) {
    const rows = await this.query(sql, binds, options);
    return rows[0];
  }
  async *stream(sql, binds = {}, options) {
    const connection = await this.acquire(options);
    const stream = connection.queryStream(sql, binds, {
      outFormat: this.driver.OUT_FORMAT_OBJECT,
      fetchArraySize: 500
    });
    try {
      for await (const row of stream) yield lowerCaseKeys(row);
    } catch (error) {
      throw toErpError(error, sql);
    } finally {
      stream.destroy();
      await connection.close().catch(() => void 0);
    }
  }
  /** Runs the ERP's credential procedure; true when it accepts the user. */
  async verifyCredentials(username, password) {
    return this.withConnection({ timeoutMs: 1e4 }, async (connection) => {
      const result = await connection.execute(
        `BEGIN :ok := ${this.settings.authProcedure}(:username, :password); END;`,
        { ok: {
          dir: 3003,
          type: 2010
          /* NUMBER */
        }, username, password },
        {}
      );
      const ok = result.outBinds?.ok;
      return ok === 1;
    });
  }
  async health(timeoutMs) {
    if (!this.pool) return { status: "down", detail: this.lastError ?? "connecting to Oracle" };
    return this.withConnection({ timeoutMs }, async (connection) => {
      await connection.ping();
      return {
        status: "up",
        detail: "Oracle",
        data: {
          connectionsOpen: this.pool?.connectionsOpen,
          connectionsInUse: this.pool?.connectionsInUse
        }
      };
    });
  }
  async close() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const pool = this.pool ?? await this.connecting?.catch(() => void 0);
    this.pool = void 0;
    await pool?.close(5);
  }
};
function lowerCaseKeys(row) {
  const out = {};
  for (const key of Object.keys(row)) out[key.toLowerCase()] = row[key];
  return out;
}

// src/erp/sqlite-erp.ts
import { Worker } from "worker_threads";
import Database from "better-sqlite3";
var STREAM_YIELD_EVERY = 500;
var QueryWorker = class {
  worker;
  pending = /* @__PURE__ */ new Map();
  constructor(file, onExit) {
    this.worker = new Worker(new URL("./sqlite-erp-worker.js", import.meta.url), {
      workerData: { file }
    });
    this.worker.unref();
    this.worker.on(
      "message",
      (message) => {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if (message.error) {
          pending.reject(
            toErpError(
              Object.assign(new Error(message.error.message), { code: message.error.code }),
              pending.sql
            )
          );
        } else {
          pending.resolve(message.rows ?? []);
        }
      }
    );
    this.worker.on("error", (error) => this.failAll(error));
    this.worker.on("exit", (code) => {
      this.failAll(new Error(`ERP query worker exited with code ${code}`));
      onExit(this, code);
    });
  }
  failAll(error) {
    for (const pending of this.pending.values()) pending.reject(toErpError(error, pending.sql));
    this.pending.clear();
  }
};
var SqliteErpClient = class {
  constructor(file, workerCount = 2) {
    this.file = file;
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    this.db.pragma("query_only = ON");
    for (let index = 0; index < workerCount; index++) this.workers.push(this.spawn());
  }
  file;
  dialect = "sqlite";
  db;
  workers = [];
  nextId = 0;
  closed = false;
  spawn() {
    return new QueryWorker(this.file, (dead) => {
      this.workers = this.workers.filter((worker) => worker !== dead);
      if (!this.closed) this.workers.push(this.spawn());
    });
  }
  /** Sends to the least busy worker. */
  run(sql, binds, one) {
    const worker = this.workers.reduce(
      (best, candidate) => !best || candidate.pending.size < best.pending.size ? candidate : best,
      void 0
    );
    if (!worker || this.closed)
      return Promise.reject(
        toErpError(Object.assign(new Error("closed"), { code: "SQLITE_CANTOPEN" }))
      );
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      worker.pending.set(id, { resolve, reject, sql });
      worker.worker.postMessage({ id, sql, binds: toSqliteBinds(binds), one });
    });
  }
  async query(sql, binds = {}) {
    return await this.run(sql, binds, false);
  }
  async queryOne(sql, binds = {}) {
    return (await this.run(sql, binds, true))[0];
  }
  async *stream(sql, binds = {}) {
    const connection = new Database(this.file, { readonly: true, fileMustExist: true });
    try {
      let statement;
      try {
        statement = connection.prepare(sql);
      } catch (error) {
        throw toErpError(error, sql);
      }
      let count = 0;
      for (const row of statement.iterate(toSqliteBinds(binds))) {
        yield row;
        if (++count % STREAM_YIELD_EVERY === 0)
          await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      connection.close();
    }
  }
  health() {
    const row = this.db.prepare("SELECT COUNT(*) AS companies FROM companies").get();
    return {
      status: "up",
      detail: "embedded demo ERP (SQLite)",
      data: { companies: row.companies }
    };
  }
  async close() {
    this.closed = true;
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((worker) => worker.worker.terminate()));
    this.db.close();
  }
};
function toSqliteBinds(binds) {
  const out = {};
  for (const [key, value] of Object.entries(binds)) out[key] = toSqliteValue(value);
  return out;
}
function toSqliteValue(value) {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return value;
}

// src/erp/create-erp.ts
async function createErp(settings, logger) {
  const erpLogger = logger.child({ module: "erp" });
  const oracleSettings = settings.erp.oracle;
  if (settings.erp.kind === "oracle" && oracleSettings) {
    const driver = (await import("oracledb")).default;
    const client2 = new OracleErpClient(driver, oracleSettings, erpLogger);
    await client2.open();
    return {
      client: client2,
      health: () => client2.health(settings.erp.healthTimeoutMs),
      verifyCredentials: (username, password) => client2.verifyCredentials(username, password),
      close: () => client2.close()
    };
  }
  ensureDemoErp(
    settings.erp.demoFile,
    { seed: settings.erp.demoSeed, scale: settings.erp.demoScale },
    erpLogger
  );
  const client = new SqliteErpClient(settings.erp.demoFile);
  return { client, health: () => client.health(), close: () => client.close() };
}
function ensureDemoErp(file, options, logger) {
  const stale = staleReason(file, options);
  if (!stale) return;
  logger.info({ file, reason: stale }, "Generating the demo ERP");
  mkdirSync(path2.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  const started = performance.now();
  const db = new Database2(temporary);
  try {
    db.pragma("journal_mode = OFF");
    db.pragma("synchronous = OFF");
    const summary = generateDemoErp(db, options);
    db.pragma("journal_mode = DELETE");
    db.exec("ANALYZE");
    db.close();
    renameSync(temporary, file);
    logger.info(
      {
        file,
        seed: options.seed,
        scale: options.scale,
        summary,
        ms: Math.round(performance.now() - started)
      },
      "Generated the demo ERP"
    );
  } catch (error) {
    if (db.open) db.close();
    rmSync(temporary, { force: true });
    throw error;
  }
}
function staleReason(file, options) {
  if (!existsSync2(file)) return "no demo ERP yet";
  let meta;
  try {
    const db = new Database2(file, { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare("SELECT key, value FROM meta").all();
      meta = Object.fromEntries(rows.map((row) => [row.key, String(row.value)]));
    } finally {
      db.close();
    }
  } catch {
    return "the file cannot be read as a demo ERP";
  }
  if (Number(meta.schema_version) !== DEMO_ERP_SCHEMA_VERSION) return "schema version changed";
  if (Number(meta.seed) !== options.seed || Number(meta.scale) !== options.scale)
    return "seed or scale changed";
  const wantedEnd = options.endDate ?? (/* @__PURE__ */ new Date()).toISOString().slice(0, 10);
  if ((meta.end_date ?? "").slice(0, 7) !== wantedEnd.slice(0, 7))
    return `books end in ${meta.end_date}, a previous month`;
  return void 0;
}

// src/version.ts
import { readFileSync as readFileSync2 } from "fs";
function readVersion() {
  for (const candidate of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync2(new URL(candidate, import.meta.url), "utf8"));
      if (pkg.name === "@roa2web/kernel" && pkg.version) return pkg.version;
    } catch {
    }
  }
  throw new Error("Cannot find the kernel's package.json");
}
var KERNEL_VERSION = readVersion();

// src/kernel.ts
import { mkdirSync as mkdirSync5 } from "fs";
import path10 from "path";
import { asValue as asValue2, createContainer, InjectionMode } from "awilix";

// src/auth/access-tokens.ts
import { randomBytes } from "crypto";
import { UnauthorizedError } from "@roa2web/plugin-sdk";
import { createSigner, createVerifier, TokenError } from "fast-jwt";
import { LRUCache } from "lru-cache";
var AccessTokens = class {
  constructor(settings) {
    this.settings = settings;
    this.sign = createSigner({
      key: settings.secret,
      algorithm: "HS256",
      iss: settings.issuer,
      aud: settings.audience,
      expiresIn: settings.ttlSeconds * 1e3
    });
    this.verify = createVerifier({
      key: settings.secret,
      algorithms: ["HS256"],
      allowedIss: settings.issuer,
      allowedAud: settings.audience,
      requiredClaims: ["sub", "exp", "typ", "aud", "iss"]
    });
    this.verified = new LRUCache({ max: settings.cacheSize ?? 1e4 });
  }
  settings;
  sign;
  verify;
  verified;
  /** Signature → when the revoked token expires (ms); pruned as entries lapse. */
  revoked = /* @__PURE__ */ new Map();
  get ttlSeconds() {
    return this.settings.ttlSeconds;
  }
  issue(user) {
    return this.sign({
      // Unique per token: two sign-ins in the same second would otherwise get the very
      // same token, and signing one out would sign out the other.
      jti: randomBytes(12).toString("base64url"),
      sub: String(user.id),
      typ: "access",
      name: user.username,
      dn: user.displayName,
      perms: user.permissions,
      cos: user.companies
    });
  }
  /** The user a valid access token stands for; UnauthorizedError otherwise. */
  authenticate(token) {
    const key = signatureOf(token);
    const cached = this.verified.get(key);
    if (cached && cached.token === token) {
      if (cached.expiresAtMs > Date.now()) return cached.user;
      this.verified.delete(key);
      throw new UnauthorizedError("The access token has expired", {
        details: { reason: "expired" }
      });
    }
    let claims;
    try {
      claims = this.verify(token);
    } catch (error) {
      const expired = error instanceof TokenError && error.code === TokenError.codes.expired;
      throw new UnauthorizedError(
        expired ? "The access token has expired" : "The access token is not valid",
        {
          details: { reason: expired ? "expired" : "invalid" }
        }
      );
    }
    if (this.revoked.has(key)) {
      throw new UnauthorizedError("The access token was revoked (signed out)", {
        details: { reason: "revoked" }
      });
    }
    if (claims.typ !== "access" || !/^\d+$/.test(claims.sub) || !Array.isArray(claims.perms)) {
      throw new UnauthorizedError("The access token is not valid", {
        details: { reason: "invalid" }
      });
    }
    const user = Object.freeze({
      id: Number(claims.sub),
      username: claims.name,
      displayName: claims.dn ?? claims.name,
      permissions: Object.freeze([...claims.perms]),
      companies: claims.cos === "*" ? "*" : Object.freeze([...claims.cos])
    });
    this.verified.set(key, { token, user, expiresAtMs: claims.exp * 1e3 });
    return user;
  }
  /**
   * Makes a valid access token stop working before it expires (sign-out). A token that
   * is not valid anyway is ignored: it could not be used.
   */
  revoke(token) {
    let claims;
    try {
      claims = this.verify(token);
    } catch {
      return;
    }
    const now = Date.now();
    for (const [signature, expiresAtMs] of this.revoked) {
      if (expiresAtMs <= now) this.revoked.delete(signature);
    }
    const key = signatureOf(token);
    this.revoked.set(key, claims.exp * 1e3);
    this.verified.delete(key);
  }
  /** Forgets cached verifications (after a user's grants change). */
  clearCache() {
    this.verified.clear();
  }
};
function signatureOf(token) {
  return token.slice(token.lastIndexOf(".") + 1);
}

// src/auth/auth-service.ts
import { UnauthorizedError as UnauthorizedError2 } from "@roa2web/plugin-sdk";

// src/auth/passwords.ts
import { hash, verify } from "@node-rs/argon2";
var OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 };
function hashPassword(password) {
  return hash(password, OPTIONS);
}
async function verifyPassword(passwordHash, password) {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
var dummyHash;
async function spendPasswordCheck(password) {
  dummyHash ??= hashPassword("roa2web-timing-equaliser");
  await verifyPassword(await dummyHash, password);
}

// src/auth/users.ts
import { isPermission } from "@roa2web/plugin-sdk";

// src/database/kernel-entities.ts
import { EntitySchema } from "typeorm";
var UserEntity = new EntitySchema({
  name: "User",
  tableName: "users",
  columns: {
    id: { type: "integer", primary: true, generated: "increment" },
    username: { type: "text", unique: true },
    displayName: { name: "display_name", type: "text" },
    passwordHash: { name: "password_hash", type: "text", nullable: true },
    permissions: { type: "simple-json" },
    companies: { type: "simple-json" },
    source: { type: "text" },
    disabled: { type: "boolean", default: false },
    createdAt: { name: "created_at", type: "datetime", createDate: true },
    updatedAt: { name: "updated_at", type: "datetime", updateDate: true }
  }
});
var RefreshTokenEntity = new EntitySchema({
  name: "RefreshToken",
  tableName: "refresh_tokens",
  columns: {
    id: { type: "integer", primary: true, generated: "increment" },
    tokenHash: { name: "token_hash", type: "text", unique: true },
    familyId: { name: "family_id", type: "text" },
    userId: { name: "user_id", type: "integer" },
    issuedAt: { name: "issued_at", type: "datetime" },
    expiresAt: { name: "expires_at", type: "datetime" },
    usedAt: { name: "used_at", type: "datetime", nullable: true },
    revokedAt: { name: "revoked_at", type: "datetime", nullable: true }
  },
  indices: [{ name: "idx_refresh_tokens_family", columns: ["familyId"] }]
});

// src/auth/users.ts
var Users = class {
  repository;
  constructor(dataSource) {
    this.repository = dataSource.getRepository(UserEntity);
  }
  findByUsername(username) {
    return this.repository.findOneBy({ username: username.trim().toLowerCase() });
  }
  findById(id) {
    return this.repository.findOneBy({ id });
  }
  count() {
    return this.repository.count();
  }
  async create(user) {
    const invalid2 = user.permissions.filter((permission) => !isPermission(permission));
    if (invalid2.length > 0) throw new Error(`Not permissions: ${invalid2.join(", ")}`);
    const username = user.username.trim().toLowerCase();
    return this.repository.save({
      username,
      displayName: user.displayName ?? user.username.trim(),
      passwordHash: user.password === void 0 ? null : await hashPassword(user.password),
      permissions: user.permissions,
      companies: user.companies,
      source: user.source ?? "local",
      disabled: false
    });
  }
  async setPassword(id, password) {
    await this.repository.update({ id }, { passwordHash: await hashPassword(password) });
  }
};
function toAuthUser(record) {
  return Object.freeze({
    id: record.id,
    username: record.username,
    displayName: record.displayName,
    permissions: Object.freeze(record.permissions.filter(isPermission)),
    companies: record.companies === "*" ? "*" : Object.freeze([...record.companies])
  });
}

// src/auth/auth-service.ts
var AuthService = class {
  constructor(settings, users, accessTokens, refreshTokens, logger, erpCredentialCheck) {
    this.settings = settings;
    this.users = users;
    this.accessTokens = accessTokens;
    this.refreshTokens = refreshTokens;
    this.logger = logger;
    this.erpCredentialCheck = erpCredentialCheck;
  }
  settings;
  users;
  accessTokens;
  refreshTokens;
  logger;
  erpCredentialCheck;
  async login(username, password) {
    const user = await this.checkCredentials(username, password);
    const refresh = await this.refreshTokens.issue(user.id);
    this.logger.info({ userId: user.id, username: user.username }, "User signed in");
    return this.pair(user, refresh.token, refresh.expiresAt);
  }
  async refresh(refreshToken) {
    const { userId, next } = await this.refreshTokens.rotate(refreshToken);
    const record = await this.users.findById(userId);
    if (!record || record.disabled) {
      await this.refreshTokens.revokeFamily(next.familyId);
      throw new UnauthorizedError2("This account is no longer active");
    }
    return this.pair(toAuthUser(record), next.token, next.expiresAt);
  }
  async logout(refreshToken) {
    await this.refreshTokens.revokeByToken(refreshToken);
  }
  /** The stored user behind a token (fresh grants, not the token's copy). */
  async currentUser(user) {
    const record = await this.users.findById(user.id);
    if (!record || record.disabled) throw new UnauthorizedError2("This account is no longer active");
    return toAuthUser(record);
  }
  /** Creates demo/demo with every permission when allowed and no user exists yet. */
  async ensureDemoUser() {
    if (!this.settings.createDemoUser || await this.users.count() > 0) return false;
    await this.users.create({
      username: "demo",
      displayName: "Demo User",
      password: "demo",
      permissions: ["*:*"],
      companies: "*"
    });
    this.logger.warn(
      { username: "demo" },
      "Created the development user demo / demo with every permission (never done in production)"
    );
    return true;
  }
  async checkCredentials(username, password) {
    const failure = new UnauthorizedError2("Wrong user name or password", {
      details: { reason: "invalid_credentials" }
    });
    const record = await this.users.findByUsername(username);
    if (this.settings.provider === "oracle" && this.erpCredentialCheck && record?.source !== "local") {
      const accepted = await this.erpCredentialCheck(username, password);
      if (!accepted) throw failure;
      if (record?.disabled) throw failure;
      const user = record ?? await this.users.create({
        username,
        permissions: this.settings.oracleDefaultPermissions,
        companies: "*",
        source: "oracle"
      });
      return toAuthUser(user);
    }
    if (!record || record.disabled || record.passwordHash === null) {
      await spendPasswordCheck(password);
      throw failure;
    }
    if (!await verifyPassword(record.passwordHash, password)) throw failure;
    return toAuthUser(record);
  }
  pair(user, refreshToken, refreshExpiresAt) {
    return {
      access_token: this.accessTokens.issue(user),
      refresh_token: refreshToken,
      token_type: "Bearer",
      expires_in: this.accessTokens.ttlSeconds,
      refresh_expires_at: refreshExpiresAt.toISOString()
    };
  }
};

// src/auth/refresh-tokens.ts
import { createHash, randomBytes as randomBytes2, randomUUID } from "crypto";
import { UnauthorizedError as UnauthorizedError3 } from "@roa2web/plugin-sdk";
import { IsNull } from "typeorm";
function hashToken(token) {
  return createHash("sha256").update(token).digest("hex");
}
var RefreshTokens = class {
  constructor(dataSource, ttlSeconds, onReuse = () => void 0) {
    this.dataSource = dataSource;
    this.ttlSeconds = ttlSeconds;
    this.onReuse = onReuse;
    this.repository = dataSource.getRepository(RefreshTokenEntity);
  }
  dataSource;
  ttlSeconds;
  onReuse;
  repository;
  async issue(userId, family) {
    const token = randomBytes2(32).toString("base64url");
    const familyId = family?.id ?? randomUUID();
    const expiresAt = family?.expiresAt ?? new Date(Date.now() + this.ttlSeconds * 1e3);
    await this.repository.insert({
      tokenHash: hashToken(token),
      familyId,
      userId,
      issuedAt: /* @__PURE__ */ new Date(),
      expiresAt,
      usedAt: null,
      revokedAt: null
    });
    return { token, familyId, expiresAt };
  }
  /** Spends a refresh token and returns its successor, or throws 401. */
  async rotate(token) {
    const record = await this.repository.findOneBy({ tokenHash: hashToken(token) });
    if (!record) throw invalid("The refresh token is not valid");
    if (record.revokedAt) throw invalid("The refresh token has been revoked");
    if (record.expiresAt.getTime() <= Date.now()) throw invalid("The refresh token has expired");
    if (record.usedAt) {
      await this.revokeFamily(record.familyId);
      this.onReuse(record.familyId, record.userId);
      throw invalid(
        "The refresh token was already used; every session it belonged to has been signed out"
      );
    }
    const spent = await this.repository.update(
      { id: record.id, usedAt: IsNull() },
      { usedAt: /* @__PURE__ */ new Date() }
    );
    if (spent.affected !== 1) {
      await this.revokeFamily(record.familyId);
      this.onReuse(record.familyId, record.userId);
      throw invalid(
        "The refresh token was already used; every session it belonged to has been signed out"
      );
    }
    const next = await this.issue(record.userId, {
      id: record.familyId,
      expiresAt: record.expiresAt
    });
    return { userId: record.userId, next };
  }
  /** Revokes the family of a token (logout); unknown tokens are ignored. */
  async revokeByToken(token) {
    const record = await this.repository.findOneBy({ tokenHash: hashToken(token) });
    if (!record) return false;
    await this.revokeFamily(record.familyId);
    return true;
  }
  async revokeFamily(familyId) {
    await this.repository.update({ familyId, revokedAt: IsNull() }, { revokedAt: /* @__PURE__ */ new Date() });
  }
  async revokeAllForUser(userId) {
    await this.repository.update({ userId, revokedAt: IsNull() }, { revokedAt: /* @__PURE__ */ new Date() });
  }
  /** Deletes rows past their absolute expiry. */
  async deleteExpired() {
    const result = await this.dataSource.createQueryBuilder().delete().from(RefreshTokenEntity).where("expires_at <= :now", { now: (/* @__PURE__ */ new Date()).toISOString().replace("T", " ").slice(0, 23) }).execute();
    return result.affected ?? 0;
  }
};
function invalid(message) {
  return new UnauthorizedError3(message, { details: { reason: "invalid_refresh_token" } });
}

// src/cache/create-cache.ts
import { mkdirSync as mkdirSync2 } from "fs";
import path3 from "path";
import KeyvSqlite from "@keyv/sqlite";
import Keyv from "keyv";

// src/cache/two-level-cache.ts
import { LRUCache as LRUCache2 } from "lru-cache";

// src/cache/cache-entry.ts
function createEntry(value, ttlMs, now) {
  return Object.freeze({ value: toCachedValue(value), storedAt: now, expiresAt: now + ttlMs });
}
function isExpired(entry, now) {
  return now > entry.expiresAt;
}
function isCacheEntry(data) {
  if (typeof data !== "object" || data === null) return false;
  const { storedAt, expiresAt } = data;
  return "value" in data && Number.isFinite(storedAt) && Number.isFinite(expiresAt);
}
function entryFromStore(data) {
  return Object.freeze({
    value: deepFreeze(data.value),
    storedAt: data.storedAt,
    expiresAt: data.expiresAt
  });
}
function toCachedValue(value) {
  const json = JSON.stringify(value);
  if (json === void 0) {
    throw new TypeError(`Cache values must be JSON-serialisable; got ${typeof value}`);
  }
  return deepFreeze(JSON.parse(json));
}
function deepFreeze(value) {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

// src/cache/l2-maintenance.ts
function maintenanceFor(l2) {
  const store = l2.store;
  if (isSqliteStore(store)) return new SqliteMaintenance(store);
  if (store instanceof Map) {
    return new ScanMaintenance(
      l2,
      () => store.entries(),
      (key) => store.delete(key)
    );
  }
  const scannable = store;
  if (typeof scannable.iterator === "function") {
    const iterate = scannable.iterator.bind(store);
    return new ScanMaintenance(
      l2,
      () => iterate(l2.namespace),
      (key) => scannable.delete(key)
    );
  }
  return new UnsupportedMaintenance();
}
function isSqliteStore(store) {
  const candidate = store;
  return typeof candidate?.query === "function" && candidate.opts?.dialect === "sqlite" && // The table name is interpolated into SQL: accept only a plain identifier.
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(String(candidate.opts.table));
}
var LIVE = `CASE WHEN json_valid(value) THEN
  coalesce(json_extract(value, '$.value.expiresAt') >= $now, 1) AND coalesce(json_extract(value, '$.expires') >= $wall, 1)
  ELSE 1 END`;
var SqliteMaintenance = class {
  constructor(store) {
    this.store = store;
    this.table = store.opts.table;
  }
  store;
  table;
  async deletePrefix(rawPrefix, clocks) {
    const rows = await this.store.query(
      `DELETE FROM ${this.table} WHERE substr(key, 1, length($prefix)) = $prefix RETURNING key, ${LIVE} AS live`,
      { $prefix: rawPrefix, $now: clocks.now, $wall: clocks.wallNow }
    );
    return rows.filter((row) => row.live === 1).map((row) => String(row.key));
  }
  async deleteExpired(clocks) {
    const rows = await this.store.query(
      `DELETE FROM ${this.table} WHERE json_valid(value)
         AND (json_extract(value, '$.value.expiresAt') < $now OR json_extract(value, '$.expires') < $wall)
       RETURNING 1 AS gone`,
      { $now: clocks.now, $wall: clocks.wallNow }
    );
    return rows.length;
  }
  async count(rawPrefix, clocks) {
    const rows = await this.store.query(
      `SELECT count(*) AS n FROM ${this.table} WHERE substr(key, 1, length($prefix)) = $prefix AND ${LIVE}`,
      { $prefix: rawPrefix, $now: clocks.now, $wall: clocks.wallNow }
    );
    return Number(rows[0]?.n ?? 0);
  }
};
var ScanMaintenance = class {
  constructor(l2, rows, remove) {
    this.l2 = l2;
    this.rows = rows;
    this.remove = remove;
  }
  l2;
  rows;
  remove;
  async deletePrefix(rawPrefix, clocks) {
    const matching = [];
    for await (const [key, raw] of this.rows()) {
      if (key.startsWith(rawPrefix)) matching.push({ key, live: await this.isLive(raw, clocks) });
    }
    for (const { key } of matching) await this.remove(key);
    return matching.filter((row) => row.live).map((row) => row.key);
  }
  async deleteExpired(clocks) {
    const expired = [];
    for await (const [key, raw] of this.rows()) {
      if (!await this.isLive(raw, clocks)) expired.push(key);
    }
    for (const key of expired) await this.remove(key);
    return expired.length;
  }
  async count(rawPrefix, clocks) {
    let live = 0;
    for await (const [key, raw] of this.rows()) {
      if (key.startsWith(rawPrefix) && await this.isLive(raw, clocks)) live += 1;
    }
    return live;
  }
  async isLive(raw, clocks) {
    const deserialize = this.l2.deserialize;
    let data = raw;
    if (typeof raw === "string" && deserialize) {
      try {
        data = await deserialize(raw);
      } catch {
        return true;
      }
    }
    const { value, expires } = data ?? {};
    if (typeof expires === "number" && expires < clocks.wallNow) return false;
    return !(isCacheEntry(value) && value.expiresAt < clocks.now);
  }
};
var UnsupportedMaintenance = class {
  async deletePrefix() {
    throw unsupported();
  }
  async deleteExpired() {
    throw unsupported();
  }
  async count() {
    throw unsupported();
  }
};
function unsupported() {
  return new Error(
    "This L2 store can neither be queried nor iterated: prefix deletes, sweeps and counts are unavailable"
  );
}

// src/cache/namespaced-cache.ts
var NamespacedCache = class {
  constructor(cache, namespace) {
    this.cache = cache;
    if (namespace === "" || namespace.includes(":")) {
      throw new RangeError(
        `A cache namespace must be non-empty and contain no ":"; got ${JSON.stringify(namespace)}`
      );
    }
    this.prefix = `${namespace}:`;
  }
  cache;
  prefix;
  get(key) {
    return this.cache.get(this.prefix + key);
  }
  set(key, value, options) {
    return this.cache.set(this.prefix + key, value, options);
  }
  delete(key) {
    return this.cache.delete(this.prefix + key);
  }
  invalidatePrefix(prefix) {
    return this.cache.invalidatePrefix(this.prefix + prefix);
  }
  wrap(key, compute, options) {
    return this.cache.wrap(this.prefix + key, compute, options);
  }
  peekL1(key) {
    return this.cache.peekL1(this.prefix + key);
  }
  /** The whole cache's numbers: per-namespace counters would cost a map lookup on every read. */
  stats() {
    return this.cache.stats();
  }
};

// src/cache/two-level-cache.ts
var DEFAULT_L1_MAX_ENTRIES = 1e3;
var DEFAULT_TTL_MS = 5 * 60 * 1e3;
var WARN_INTERVAL_MS = 1e4;
var TwoLevelCache = class {
  l1MaxEntries;
  defaultTtlMs;
  l1;
  l2;
  l2StoreName;
  l2Maintenance;
  /** What keyv puts in front of our keys in the store (its namespace), if anything. */
  l2KeyPrefix;
  logger;
  now;
  computations = /* @__PURE__ */ new Map();
  /**
   * L2 writes of computed values, by key. `wrap` answers as soon as L1 holds the value
   * and writes L2 after the response had its turn (setImmediate): serialising a large
   * report for SQLite is not on the caller's path. Readers, deletes and close wait for
   * a pending write of their keys, so nothing reads around it or resurrects a deleted key.
   */
  pendingL2Writes = /* @__PURE__ */ new Map();
  counters = {
    l1Hits: 0,
    l1Misses: 0,
    l2Hits: 0,
    l2Misses: 0,
    l2Errors: 0,
    sets: 0,
    deletes: 0
  };
  /** Bumped by every delete: an L2 read that straddles one must not refill L1 with what was deleted. */
  deleteEpoch = 0;
  sweeper;
  sweeping;
  closed = false;
  lastWarningAt = Number.NEGATIVE_INFINITY;
  suppressedWarnings = 0;
  constructor(options) {
    this.l1MaxEntries = options.l1MaxEntries ?? DEFAULT_L1_MAX_ENTRIES;
    if (!Number.isInteger(this.l1MaxEntries) || this.l1MaxEntries < 1) {
      throw new RangeError(`l1MaxEntries must be a positive integer; got ${this.l1MaxEntries}`);
    }
    this.defaultTtlMs = checkTtl(options.defaultTtlMs ?? DEFAULT_TTL_MS);
    this.now = options.now ?? (() => Date.now());
    this.l1 = new LRUCache2({
      max: this.l1MaxEntries,
      perf: { now: () => this.now() },
      ttlResolution: 0
    });
    this.l2 = options.l2;
    this.l2.throwOnErrors = true;
    this.l2StoreName = options.l2StoreName;
    this.l2Maintenance = maintenanceFor(this.l2);
    this.l2KeyPrefix = this.l2.useKeyPrefix && this.l2.namespace ? `${this.l2.namespace}:` : "";
    this.logger = options.logger ?? { warn: (object, message) => console.warn(message, object) };
  }
  async get(key) {
    const hit = await this.lookup(key);
    return hit && { value: hit.entry.value, source: hit.source, storedAt: hit.entry.storedAt };
  }
  async set(key, value, options) {
    await this.store(key, value, this.ttlFor(options));
  }
  async delete(key) {
    this.forgetComputations((candidate) => candidate === key);
    await this.settleL2Writes((candidate) => candidate === key);
    const inL1 = this.l1.has(key);
    this.l1.delete(key);
    let inL2 = false;
    try {
      inL2 = await this.l2.delete(key);
    } catch (error) {
      this.warnL2(error, "delete", key);
    }
    const removed = inL1 || inL2;
    if (removed) this.counters.deletes += 1;
    return removed;
  }
  /** Counts each removed key once, whether it was in L1, L2 or both; expired rows are removed but not counted. */
  async invalidatePrefix(prefix) {
    this.forgetComputations((candidate) => candidate.startsWith(prefix));
    await this.settleL2Writes((candidate) => candidate.startsWith(prefix));
    const removed = /* @__PURE__ */ new Set();
    for (const key of [...this.l1.keys()]) {
      if (!key.startsWith(prefix)) continue;
      this.l1.delete(key);
      removed.add(key);
    }
    try {
      const rawKeys = await this.l2Maintenance.deletePrefix(
        this.l2KeyPrefix + prefix,
        this.clocks()
      );
      for (const rawKey of rawKeys) removed.add(rawKey.slice(this.l2KeyPrefix.length));
    } catch (error) {
      this.warnL2(error, "invalidatePrefix", prefix);
    }
    this.counters.deletes += removed.size;
    return removed.size;
  }
  /**
   * Concurrent callers for one key share one lookup and one computation (the first
   * caller's `ttlMs` applies). A failed computation is not stored; its error reaches
   * every caller waiting on it.
   */
  wrap(key, compute, options) {
    let hit;
    try {
      this.ttlFor(options);
      hit = this.peekL1(key);
    } catch (error) {
      return Promise.reject(error);
    }
    return hit === void 0 ? this.wrapMiss(key, compute, options) : Promise.resolve(hit);
  }
  /** An unexpired L1 entry, counted as an L1 hit; a miss is left for `wrap`/`get` to count. */
  peekL1(key) {
    const local = this.l1.get(key);
    if (local === void 0 || isExpired(local, this.now())) return void 0;
    this.counters.l1Hits += 1;
    return { value: local.value, source: "HIT-L1", storedAt: local.storedAt };
  }
  async wrapMiss(key, compute, options) {
    const running = this.computations.get(key);
    if (running) return running.promise;
    const ttlMs = this.ttlFor(options);
    const state = { invalidated: false };
    const promise = this.lookupOrCompute(
      key,
      compute,
      ttlMs,
      state
    ).finally(() => {
      if (this.computations.get(key)?.promise === promise) this.computations.delete(key);
    });
    this.computations.set(key, { promise, state });
    return promise;
  }
  async stats() {
    await this.settleL2Writes(() => true);
    this.l1.purgeStale();
    let l2Size = -1;
    try {
      l2Size = await this.l2Maintenance.count(this.l2KeyPrefix, this.clocks());
    } catch (error) {
      this.warnL2(error, "stats");
    }
    const { l1Hits, l1Misses, l2Hits, l2Misses, l2Errors, sets, deletes } = this.counters;
    return {
      l1: { hits: l1Hits, misses: l1Misses, size: this.l1.size, maxEntries: this.l1MaxEntries },
      l2: {
        hits: l2Hits,
        misses: l2Misses,
        size: l2Size,
        store: this.l2StoreName,
        errors: l2Errors
      },
      sets,
      deletes
    };
  }
  /** A view whose keys all start with `namespace + ":"`; what each plugin receives. */
  namespaced(namespace) {
    return new NamespacedCache(this, namespace);
  }
  /** Drops L1 only (memory pressure, tests); L2 refills it on the next reads. */
  clearL1() {
    this.l1.clear();
  }
  /**
   * Deletes expired L2 rows and returns how many. Needed because @keyv/sqlite never
   * deletes expired rows itself (keyv #1804): keyv only drops one when it is read.
   * Throws when L2 fails, so an explicit caller sees it; the timer only logs.
   */
  sweepExpired() {
    if (!this.sweeping) {
      this.l1.purgeStale();
      this.sweeping = this.l2Maintenance.deleteExpired(this.clocks()).finally(() => {
        this.sweeping = void 0;
      });
    }
    return this.sweeping;
  }
  startSweeper(intervalMs) {
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
      throw new RangeError(`The sweep interval must be a positive number of ms; got ${intervalMs}`);
    }
    clearInterval(this.sweeper);
    this.sweeper = setInterval(() => {
      this.sweepExpired().catch((error) => this.warnL2(error, "sweepExpired"));
    }, intervalMs);
    this.sweeper.unref();
  }
  /** Stops the sweeper, waits for a running sweep and disconnects L2. Safe to call twice (@keyv/sqlite is not). */
  async close() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    this.sweeper = void 0;
    await this.sweeping?.catch(() => void 0);
    await this.settleL2Writes(() => true);
    this.l1.clear();
    try {
      await this.l2.disconnect();
    } catch (error) {
      this.warnL2(error, "close");
    }
  }
  async lookup(key) {
    const local = this.l1.get(key);
    if (local && !isExpired(local, this.now())) {
      this.counters.l1Hits += 1;
      return { entry: local, source: "HIT-L1" };
    }
    this.counters.l1Misses += 1;
    const pending = this.pendingL2Writes.get(key);
    if (pending) await pending;
    const epoch = this.deleteEpoch;
    const stored = await this.readL2(key);
    if (!stored) {
      this.counters.l2Misses += 1;
      return void 0;
    }
    this.counters.l2Hits += 1;
    const remainingMs = stored.expiresAt - this.now();
    if (epoch === this.deleteEpoch && remainingMs >= 1 && !this.closed) {
      this.l1.set(key, stored, { ttl: Math.ceil(remainingMs) });
    }
    return { entry: stored, source: "HIT-L2" };
  }
  async readL2(key) {
    let data;
    try {
      data = await this.l2.get(key);
    } catch (error) {
      this.warnL2(error, "get", key);
      return void 0;
    }
    if (!isCacheEntry(data) || isExpired(data, this.now())) return void 0;
    return entryFromStore(data);
  }
  async store(key, value, ttlMs) {
    const entry = this.storeL1(key, value, ttlMs);
    try {
      await this.l2.set(key, entry, ttlMs);
    } catch (error) {
      this.warnL2(error, "set", key);
    }
    return entry;
  }
  storeL1(key, value, ttlMs) {
    const entry = createEntry(value, ttlMs, this.now());
    this.l1.set(key, entry, { ttl: ttlMs });
    this.counters.sets += 1;
    return entry;
  }
  /** Stores in L1 now and in L2 once the current I/O turn is over (see pendingL2Writes). */
  storeSoon(key, value, ttlMs) {
    const entry = this.storeL1(key, value, ttlMs);
    const write = new Promise((resolve) => setImmediate(resolve)).then(() => this.l2.set(key, entry, ttlMs)).then(
      () => void 0,
      (error) => this.warnL2(error, "set", key)
    ).finally(() => {
      if (this.pendingL2Writes.get(key) === write) this.pendingL2Writes.delete(key);
    });
    this.pendingL2Writes.set(key, write);
    return entry;
  }
  async settleL2Writes(matches) {
    const writes = [...this.pendingL2Writes].filter(([key]) => matches(key));
    await Promise.all(writes.map(([, write]) => write));
  }
  async lookupOrCompute(key, compute, ttlMs, state) {
    const hit = await this.lookup(key);
    if (hit) return { value: hit.entry.value, source: hit.source, storedAt: hit.entry.storedAt };
    const value = await compute();
    const entry = state.invalidated ? createEntry(value, ttlMs, this.now()) : this.storeSoon(key, value, ttlMs);
    return { value: entry.value, source: "MISS", storedAt: entry.storedAt };
  }
  /** New callers must start a fresh computation; the running one must not store. */
  forgetComputations(matches) {
    this.deleteEpoch += 1;
    for (const [key, computation] of this.computations) {
      if (!matches(key)) continue;
      computation.state.invalidated = true;
      this.computations.delete(key);
    }
  }
  ttlFor(options) {
    return options?.ttlMs === void 0 ? this.defaultTtlMs : checkTtl(options.ttlMs);
  }
  clocks() {
    return { now: this.now(), wallNow: Date.now() };
  }
  warnL2(error, operation, key) {
    this.counters.l2Errors += 1;
    const at = performance.now();
    if (at - this.lastWarningAt < WARN_INTERVAL_MS) {
      this.suppressedWarnings += 1;
      return;
    }
    this.logger.warn(
      {
        err: error,
        operation,
        key,
        store: this.l2StoreName,
        suppressedSinceLast: this.suppressedWarnings
      },
      "Cache L2 store failed; carrying on with L1 only"
    );
    this.lastWarningAt = at;
    this.suppressedWarnings = 0;
  }
};
function checkTtl(ttlMs) {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`A cache TTL must be a positive number of ms; got ${ttlMs}`);
  }
  return Math.ceil(ttlMs);
}

// src/cache/create-cache.ts
var CacheConfigurationError = class extends Error {
  code = "CACHE_CONFIGURATION";
  constructor(message, options) {
    super(message, options);
    this.name = "CacheConfigurationError";
  }
};
var ADAPTERS = {
  sqlite: openSqlite,
  memory: openMemory
};
var SQLITE_BUSY_TIMEOUT_MS = 5e3;
async function createCache(options) {
  const { scheme, location } = parseUrl(options.url);
  const open = ADAPTERS[scheme];
  if (!open) {
    throw new CacheConfigurationError(
      `Unsupported CACHE_URL scheme "${scheme}://"; accepted: ${acceptedSchemes()}`
    );
  }
  const { keyv, storeName } = await open(location);
  try {
    const cache = new TwoLevelCache({
      l2: keyv,
      l2StoreName: storeName,
      ...options.l1MaxEntries === void 0 ? {} : { l1MaxEntries: options.l1MaxEntries },
      ...options.defaultTtlMs === void 0 ? {} : { defaultTtlMs: options.defaultTtlMs },
      ...options.logger === void 0 ? {} : { logger: options.logger }
    });
    if (options.sweepIntervalMs !== void 0) cache.startSweeper(options.sweepIntervalMs);
    return cache;
  } catch (error) {
    await keyv.disconnect();
    throw error;
  }
}
function parseUrl(url) {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(url);
  if (!match) {
    throw new CacheConfigurationError(
      `CACHE_URL must look like scheme://location; accepted: ${acceptedSchemes()}`
    );
  }
  return { scheme: (match[1] ?? "").toLowerCase(), location: match[2] ?? "" };
}
function acceptedSchemes() {
  return Object.keys(ADAPTERS).map((scheme) => `${scheme}://`).join(", ");
}
async function openSqlite(location) {
  const file = /^\/[A-Za-z]:[\\/]/.test(location) ? location.slice(1) : location;
  if (file === "") {
    throw new CacheConfigurationError(
      "CACHE_URL sqlite:// needs a file path, e.g. sqlite:///var/lib/roa2web/cache.db"
    );
  }
  try {
    if (file !== ":memory:") mkdirSync2(path3.dirname(path3.resolve(file)), { recursive: true });
  } catch (error) {
    throw new CacheConfigurationError(`Cannot create the folder of the cache database ${file}`, {
      cause: error
    });
  }
  const store = new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: SQLITE_BUSY_TIMEOUT_MS });
  try {
    await store.query("PRAGMA journal_mode = WAL");
    await store.query("PRAGMA synchronous = NORMAL");
  } catch (error) {
    throw new CacheConfigurationError(`Cannot open the cache database ${file}`, { cause: error });
  }
  return { keyv: new Keyv(store, noKeyvNamespace), storeName: "sqlite" };
}
async function openMemory() {
  return { keyv: new Keyv(noKeyvNamespace), storeName: "memory" };
}
var noKeyvNamespace = { namespace: void 0 };

// src/database/migrations/0001-kernel-init.ts
var KernelInit1763856000000 = class {
  name = "KernelInit1763856000000";
  async up(queryRunner) {
    await queryRunner.query(`CREATE TABLE users (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      username TEXT NOT NULL UNIQUE,
      display_name TEXT NOT NULL,
      password_hash TEXT NULL,
      permissions TEXT NOT NULL,
      companies TEXT NOT NULL,
      source TEXT NOT NULL CHECK (source IN ('local', 'oracle')),
      disabled BOOLEAN NOT NULL DEFAULT 0,
      created_at DATETIME NOT NULL DEFAULT (datetime('now')),
      updated_at DATETIME NOT NULL DEFAULT (datetime('now'))
    )`);
    await queryRunner.query(`CREATE TABLE refresh_tokens (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      token_hash TEXT NOT NULL UNIQUE,
      family_id TEXT NOT NULL,
      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      issued_at DATETIME NOT NULL,
      expires_at DATETIME NOT NULL,
      used_at DATETIME NULL,
      revoked_at DATETIME NULL
    )`);
    await queryRunner.query("CREATE INDEX idx_refresh_tokens_family ON refresh_tokens (family_id)");
  }
  async down(queryRunner) {
    await queryRunner.query("DROP TABLE refresh_tokens");
    await queryRunner.query("DROP TABLE users");
  }
};

// src/database/sqlite-data-source.ts
import { mkdirSync as mkdirSync3 } from "fs";
import path4 from "path";
import { DataSource } from "typeorm";
function typeormLogger(logger) {
  return {
    logQuery: () => void 0,
    logSchemaBuild: () => void 0,
    logQueryError: (error, query) => logger?.warn({ err: error, query: query.slice(0, 500) }, "Database query failed"),
    logQuerySlow: (time, query) => logger?.warn({ ms: time, query: query.slice(0, 500) }, "Slow database query"),
    logMigration: (message) => logger?.info({ typeorm: "migration" }, message),
    log: (level, message) => level === "warn" ? logger?.warn({ typeorm: level }, String(message)) : logger?.info({ typeorm: level }, String(message))
  };
}
async function openSqliteDataSource(options) {
  mkdirSync3(path4.dirname(options.file), { recursive: true });
  const dataSource = new DataSource({
    type: "better-sqlite3",
    database: options.file,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: options.migrationsTableName ?? "migrations",
    migrationsTransactionMode: "all",
    synchronize: false,
    logger: typeormLogger(options.logger),
    enableWAL: true,
    timeout: 5e3,
    prepareDatabase: (db) => {
      db.pragma("foreign_keys = ON");
      db.pragma("synchronous = NORMAL");
    }
  });
  await dataSource.initialize();
  serialiseTransactions(dataSource);
  try {
    const applied = await dataSource.runMigrations({ transaction: "all" });
    return { dataSource, appliedMigrations: applied.map((migration) => migration.name) };
  } catch (error) {
    await dataSource.destroy().catch(() => void 0);
    throw error;
  }
}
function serialiseTransactions(dataSource) {
  const manager = dataSource.manager;
  const original = manager.transaction.bind(manager);
  let queue = Promise.resolve();
  manager.transaction = ((...args) => {
    const run = queue.then(() => original(...args));
    queue = run.catch(() => void 0);
    return run;
  });
}

// src/health/health-registry.ts
var HealthRegistry = class {
  constructor(defaultTimeoutMs = 400) {
    this.defaultTimeoutMs = defaultTimeoutMs;
  }
  defaultTimeoutMs;
  checks = /* @__PURE__ */ new Map();
  register(name, check, options = {}) {
    const registration = {
      check,
      critical: options.critical ?? false,
      timeoutMs: options.timeoutMs ?? this.defaultTimeoutMs
    };
    this.checks.set(name, registration);
    return () => {
      if (this.checks.get(name) === registration) this.checks.delete(name);
    };
  }
  async run() {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, registration]) => runOne(name, registration))
    );
    const criticalDown = entries.some((entry) => entry.critical && entry.status === "down");
    const anyDegraded = entries.some(
      (entry) => entry.status === "down" || entry.status === "degraded"
    );
    return { status: criticalDown ? "down" : anyDegraded ? "degraded" : "ok", checks: entries };
  }
};
async function runOne(name, registration) {
  const started = performance.now();
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(
      () => resolve({ status: "down", detail: `no answer within ${registration.timeoutMs} ms` }),
      registration.timeoutMs
    );
  });
  let status;
  try {
    status = await Promise.race([Promise.resolve().then(registration.check), timeout]);
  } catch (error) {
    status = { status: "down", detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
  return {
    name,
    critical: registration.critical,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
    ...status
  };
}

// src/http/access-control.ts
import {
  ForbiddenError,
  hasPermission,
  isRouteAccess,
  UnauthorizedError as UnauthorizedError4
} from "@roa2web/plugin-sdk";
function isLibraryRoute(url) {
  return url === "/api/docs" || url.startsWith("/api/docs/") || !url.startsWith("/api");
}
function accessOf(route) {
  const access = route.config?.access;
  if (access === void 0) {
    if (isLibraryRoute(route.url)) return "public";
    throw new Error(
      `Route ${String(route.method)} ${route.url} declares no access: set config.access to a permission, "authenticated" or "public"`
    );
  }
  if (!isRouteAccess(access)) {
    throw new Error(
      `Route ${String(route.method)} ${route.url} has an invalid config.access "${String(access)}"`
    );
  }
  return access;
}
function bearerTokenOf(request) {
  const header = request.headers.authorization;
  if (header === void 0 || !/^Bearer /i.test(header)) return void 0;
  return header.slice(7).trim() || void 0;
}
function installAccessControl(app, tokens) {
  app.decorateRequest("user", null);
  const authenticate = (request) => {
    const token = bearerTokenOf(request);
    if (token === void 0) {
      throw new UnauthorizedError4("Sign in first: send Authorization: Bearer <access token>", {
        details: { reason: "missing_token" }
      });
    }
    request.user = tokens.authenticate(token);
  };
  const signedIn = (request, _reply, done) => {
    try {
      authenticate(request);
      done();
    } catch (error) {
      done(error);
    }
  };
  const withPermission = (permission) => (request, _reply, done) => {
    try {
      authenticate(request);
      if (!hasPermission(request.user?.permissions ?? [], permission)) {
        throw new ForbiddenError(`This needs the permission ${permission}`, {
          details: { permission }
        });
      }
      done();
    } catch (error) {
      done(error);
    }
  };
  app.addHook("onRoute", (route) => {
    const access = accessOf(route);
    if (access === "public") return;
    const hook = access === "authenticated" ? signedIn : withPermission(access);
    const existing = route.onRequest === void 0 ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [hook, ...existing];
  });
}

// src/http/generation.ts
import { existsSync as existsSync3 } from "fs";
import path6 from "path";
import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify2, {
  LogController
} from "fastify";

// src/http/bounded-numbers.ts
var PARTS = ["params", "querystring", "body", "headers"];
var NESTED = ["items", "additionalProperties", "not", "if", "then", "else"];
var LISTS = ["allOf", "anyOf", "oneOf", "prefixItems"];
var MAPS = ["properties", "patternProperties", "content", "definitions", "$defs"];
function isSchema(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function hasType(schema, name) {
  const type = schema.type;
  return type === name || Array.isArray(type) && type.includes(name);
}
function boundNumbers(schema) {
  if (!isSchema(schema)) return schema;
  const out = { ...schema };
  const integer = hasType(out, "integer");
  if (integer || hasType(out, "number")) {
    if (out.maximum === void 0 && out.exclusiveMaximum === void 0) {
      out.maximum = integer ? Number.MAX_SAFE_INTEGER : Number.MAX_VALUE;
    }
    if (out.minimum === void 0 && out.exclusiveMinimum === void 0) {
      out.minimum = integer ? Number.MIN_SAFE_INTEGER : -Number.MAX_VALUE;
    }
  }
  for (const key of NESTED) if (key in out) out[key] = boundNumbers(out[key]);
  for (const key of LISTS) {
    const list = out[key];
    if (Array.isArray(list)) out[key] = list.map(boundNumbers);
  }
  for (const key of MAPS) {
    const map = out[key];
    if (isSchema(map)) {
      out[key] = Object.fromEntries(
        Object.entries(map).map(([name, value]) => [name, boundNumbers(value)])
      );
    }
  }
  if (isSchema(out.schema)) out.schema = boundNumbers(out.schema);
  return out;
}
function boundRouteNumbers(route) {
  const schema = route.schema;
  if (!schema) return;
  const bounded = { ...schema };
  for (const part2 of PARTS) {
    if (part2 in bounded) bounded[part2] = boundNumbers(bounded[part2]);
  }
  route.schema = bounded;
}

// src/http/error-handler.ts
import { isRoaError as isRoaError2 } from "@roa2web/plugin-sdk";
var CODES_BY_STATUS = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  406: "NOT_ACCEPTABLE",
  408: "REQUEST_TIMEOUT",
  409: "CONFLICT",
  411: "LENGTH_REQUIRED",
  413: "PAYLOAD_TOO_LARGE",
  414: "URI_TOO_LONG",
  415: "UNSUPPORTED_MEDIA_TYPE",
  422: "UNPROCESSABLE",
  429: "TOO_MANY_REQUESTS",
  503: "SERVICE_UNAVAILABLE"
};
function describeValidation(issues, context) {
  const first = issues[0];
  if (!first) return "The request is not valid";
  const base = [context ?? "request", ...first.instancePath.split("/").filter(Boolean)].join(".");
  switch (first.keyword) {
    case "required":
      return `${base}.${String(first.params.missingProperty)} is required`;
    case "additionalProperties":
      return `${base} must not have the property "${String(first.params.additionalProperty)}"`;
    case "pattern":
    case "format":
      return `${base} has an invalid format`;
    case "enum":
      return `${base} must be one of: ${first.params.allowedValues?.join(", ") ?? "the allowed values"}`;
    default:
      return `${base} ${first.message ?? "is not valid"}`;
  }
}
function errorBody(request, code, message, details) {
  return {
    error: { code, message, request_id: String(request.id), ...details ? { details } : {} }
  };
}
function urlErrorBody(request, error) {
  if (error.code === "FST_ERR_MAX_PARAM_LENGTH") {
    return {
      status: 414,
      body: errorBody(request, "URI_TOO_LONG", "A segment of the URL path is too long")
    };
  }
  if (error.code === "FST_ERR_BAD_URL") {
    return {
      status: 400,
      body: errorBody(request, "BAD_URL", "The URL is not valid (malformed percent-encoding)")
    };
  }
  request.log.error({ err: error }, "Router error while serving a request");
  return { status: 500, body: errorBody(request, "INTERNAL", "Internal server error") };
}
function installErrorHandling(app, options) {
  app.setErrorHandler((error, request, reply) => {
    if (isRoaError2(error)) {
      if (error.statusCode >= 500)
        request.log.error({ err: error, cause: error.cause }, error.message);
      return reply.status(error.statusCode).send(errorBody(request, error.code, error.message, error.details));
    }
    if (error.validation) {
      return reply.status(400).send(
        errorBody(
          request,
          "VALIDATION_FAILED",
          describeValidation(error.validation, error.validationContext)
        )
      );
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.status(status).send(errorBody(request, CODES_BY_STATUS[status] ?? "BAD_REQUEST", error.message));
    }
    request.log.error({ err: error }, "Unhandled error while serving a request");
    return reply.status(500).send(errorBody(request, "INTERNAL", "Internal server error"));
  });
  app.setNotFoundHandler(options.notFound);
}

// src/http/lazy-logger.ts
var LazyChildLogger = class {
  constructor(parent, module, bindings) {
    this.parent = parent;
    this.module = module;
    this.bindings = bindings;
  }
  parent;
  module;
  bindings;
  realLogger;
  /** The pino child, built on first use (the bindings object is only merged then). */
  get real() {
    this.realLogger ??= this.parent.child({ module: this.module, ...this.bindings });
    return this.realLogger;
  }
  write(level, args) {
    const parent = this.parent;
    if (parent.isLevelEnabled && !parent.isLevelEnabled(level)) return;
    this.real[level](...args);
  }
  get level() {
    return this.parent.level;
  }
  set level(value) {
    this.real.level = value;
  }
  fatal(...args) {
    this.write("fatal", args);
  }
  error(...args) {
    this.write("error", args);
  }
  warn(...args) {
    this.write("warn", args);
  }
  info(...args) {
    this.write("info", args);
  }
  debug(...args) {
    this.write("debug", args);
  }
  trace(...args) {
    this.write("trace", args);
  }
  silent() {
  }
  child(bindings, options) {
    return this.real.child(bindings, options);
  }
};
function lazyChildLogger(parent, module, bindings) {
  return new LazyChildLogger(parent, module, bindings);
}

// src/http/plugin-routes.ts
import autoload from "@fastify/autoload";
import multipart from "@fastify/multipart";
import { UnsupportedMediaTypeError } from "@roa2web/plugin-sdk";
import Fastify from "fastify";

// src/http/routes/plugin-admin-routes.ts
import path5 from "path";
import { hasPermission as hasPermission2 } from "@roa2web/plugin-sdk";

// src/http/switchboard.ts
import { randomBytes as randomBytes3 } from "crypto";
import http from "http";

// src/http/security-headers.ts
import helmet from "helmet";
var HSTS_VALUE = "max-age=31536000; includeSubDomains";
function documentHeaders() {
  return helmet({
    // Added per request only over HTTPS (see above).
    strictTransportSecurity: false,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        // Off: behind plain HTTP on a LAN address it would rewrite the shell's own
        // script URLs to https and break the page. HTTPS deployments get HSTS instead.
        upgradeInsecureRequests: null
      }
    }
  });
}
function apiHeaderList() {
  const api = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] }
    },
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: false,
    originAgentCluster: false,
    referrerPolicy: false,
    strictTransportSecurity: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xFrameOptions: { action: "deny" },
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false
  });
  const headers = [];
  const recorder = {
    setHeader: (name, value) => headers.push([name, String(value)]),
    removeHeader: () => void 0
  };
  api({ headers: {} }, recorder, () => void 0);
  return headers;
}
function isApi(url) {
  return url?.startsWith("/api/") === true && !url.startsWith("/api/docs");
}
function apiSecurityHeaderList() {
  return Object.freeze(
    apiHeaderList().map(([name, value]) => Object.freeze([name.toLowerCase(), value]))
  );
}
function isApiUrl(url) {
  return isApi(url);
}
function createDocumentHeaders() {
  const documents = documentHeaders();
  const failed = (error) => {
    if (error) throw error;
  };
  return (request, response) => {
    if (!isApi(request.url)) documents(request, response, failed);
  };
}

// src/http/switchboard.ts
var REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
var PROCESS_PREFIX = randomBytes3(6).toString("hex");
var requestCount = 0;
function newRequestId() {
  requestCount += 1;
  return `${PROCESS_PREFIX}-${requestCount.toString(36)}`;
}
function requestIdOf(request) {
  const incoming = request.headers["x-request-id"];
  return typeof incoming === "string" && REQUEST_ID_PATTERN.test(incoming) ? incoming : newRequestId();
}
var STATE = /* @__PURE__ */ Symbol("roa2web.request");
function release(state) {
  const generation = state?.generation;
  if (generation === void 0) return;
  state.generation = void 0;
  generation.release();
}
function onResponseClose() {
  const state = this[STATE];
  if (state === void 0) return;
  release(state);
  state.switchboard.logAccess(state.request, this, state.id, performance.now() - state.started);
}
function switchboardRequestId(request) {
  return request[STATE]?.id ?? requestIdOf(request);
}
function isEventStream(request) {
  return request.headers.accept?.includes("text/event-stream") === true;
}
var Generation = class {
  constructor(app, id) {
    this.app = app;
    this.id = id;
  }
  app;
  id;
  inFlight = 0;
  retired = false;
  drainedResolve;
  release = () => {
    this.inFlight -= 1;
    if (this.retired && this.inFlight === 0) this.drainedResolve?.();
  };
  /** Resolves when its last request finished, or after the timeout; says which. */
  retire(timeoutMs) {
    this.retired = true;
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
      this.drainedResolve = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }
};
var STARTING_BODY = JSON.stringify({
  error: { code: "STARTING", message: "The server is starting; try again in a moment" }
});
function clientErrorStatus(code) {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return [431, "HEADERS_TOO_LARGE", "The request's headers are too large"];
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return [408, "REQUEST_TIMEOUT", "The request took too long to arrive"];
    default:
      return [400, "BAD_REQUEST", "The request is not valid HTTP"];
  }
}
var API_HEADER_LINES = apiSecurityHeaderList().map(([name, value]) => `${name}: ${value}\r
`).join("");
function answerClientError(error, socket) {
  const started = socket._httpMessage;
  if (error.code === "ECONNRESET" || !socket.writable || started?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, code, message] = clientErrorStatus(error.code);
  const id = newRequestId();
  const body = JSON.stringify({ error: { code, message, request_id: id } });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r
content-type: application/json; charset=utf-8\r
content-length: ${Buffer.byteLength(body)}\r
x-request-id: ${id}\r
` + API_HEADER_LINES + "connection: close\r\n\r\n" + body
  );
}
var Switchboard = class {
  constructor(options) {
    this.options = options;
    this.server = http.createServer(this.handle);
    this.server.requestTimeout = options.requestTimeoutMs;
    this.server.headersTimeout = Math.min(6e4, options.requestTimeoutMs);
    this.server.keepAliveTimeout = options.keepAliveTimeoutMs;
    this.server.on("clientError", answerClientError);
  }
  options;
  server;
  current;
  generationCount = 0;
  /**
   * Every request passes here once, whatever generation serves it: the request id is
   * fixed (and echoed) here, the access log is written here when the response closes.
   */
  handle = (request, response) => {
    const started = performance.now();
    const id = requestIdOf(request);
    const generation = this.current;
    if (!generation) {
      response.writeHead(503, {
        "content-type": "application/json",
        "retry-after": "1",
        "x-request-id": id
      });
      response.end(STARTING_BODY);
      return;
    }
    const counted = isEventStream(request) ? void 0 : generation;
    if (counted) counted.inFlight += 1;
    const state = { request, id, started, switchboard: this, generation: counted };
    request[STATE] = state;
    response[STATE] = state;
    response.on("close", onResponseClose);
    this.options.headers?.(request, response);
    generation.app.routing(request, response);
  };
  /** Writes the access line for errors and slow requests (or every request, if asked). */
  logAccess(request, response, id, ms) {
    const { everyRequest, slowRequestMs, logger } = this.options.accessLog;
    const status = response.statusCode;
    const slow = ms >= slowRequestMs;
    if (!everyRequest && !slow && status < 400) return;
    const line = {
      module: "http",
      reqId: id,
      method: request.method,
      url: request.url,
      statusCode: status,
      ms: Math.round(ms),
      // The client went away before the answer was complete.
      aborted: response.writableFinished ? void 0 : true
    };
    if (status >= 500) logger.error(line, "request completed");
    else if (slow || status >= 400) logger.warn(line, "request completed");
    else logger.info(line, "request completed");
  }
  /**
   * Stops counting this request towards its generation's drain. For kernel requests
   * that themselves swap generations (plugin enable / disable / reload): the swap
   * waits for the old generation to drain, which would otherwise include the very
   * request waiting for it, until the drain timeout.
   */
  static excludeFromDrain(request) {
    release(request[STATE]);
  }
  get generation() {
    return this.current?.id ?? 0;
  }
  get activeApp() {
    return this.current?.app;
  }
  /** Puts a ready instance in front; drains and closes the previous one. */
  async swap(app) {
    const previous = this.current;
    this.generationCount += 1;
    this.current = new Generation(app, this.generationCount);
    if (previous) await this.closeGeneration(previous);
  }
  async closeGeneration(generation) {
    const drained = await generation.retire(this.options.drainTimeoutMs);
    if (!drained) {
      this.options.logger.warn(
        {
          generation: generation.id,
          inFlight: generation.inFlight,
          drainTimeoutMs: this.options.drainTimeoutMs
        },
        "Requests still running on a retired route generation after the drain timeout; closing it anyway"
      );
    }
    await generation.app.close();
  }
  async listen(port, host) {
    await new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    return this.server.address();
  }
  /** Stops accepting connections and waits for in-flight requests (bounded). */
  async close() {
    const closed = new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
    this.server.closeIdleConnections();
    const generation = this.current;
    if (generation) {
      await this.closeGeneration(generation);
      this.current = void 0;
    }
    this.server.closeAllConnections();
    await closed;
  }
};

// src/http/routes/schemas.ts
import { errorResponseSchema } from "@roa2web/plugin-sdk";
var errorResponse = errorResponseSchema;
var errorResponses = {
  400: errorResponse,
  401: errorResponse,
  403: errorResponse,
  404: errorResponse,
  409: errorResponse,
  429: errorResponse,
  503: errorResponse
};
var companySchema = {
  type: "object",
  required: ["id", "code", "name", "tax_id", "currency"],
  properties: {
    id: { type: "integer" },
    code: { type: "string" },
    name: { type: "string" },
    tax_id: { type: "string" },
    currency: { type: "string" }
  }
};

// src/http/routes/plugin-admin-routes.ts
var ADMIN_PERMISSION = "kernel:admin";
var pluginView = {
  type: "object",
  properties: {
    name: { type: "string" },
    display_name: { type: "string" },
    description: { type: "string", nullable: true },
    version: { type: "string", nullable: true },
    state: { type: "string", enum: ["disabled", "starting", "enabled", "stopping", "failed"] },
    since: { type: "string", format: "date-time" },
    prefix: { type: "string", nullable: true },
    enabled_at_start: { type: "boolean" },
    ui: {
      type: "object",
      nullable: true,
      properties: {
        tag: { type: "string" },
        url: { type: "string" },
        titles: { type: "object", additionalProperties: { type: "string" } },
        descriptions: { type: "object", additionalProperties: { type: "string" } }
      }
    },
    permissions: { type: "object", additionalProperties: { type: "string" } },
    failure: {
      type: "object",
      nullable: true,
      properties: { step: { type: "string" }, message: { type: "string" }, at: { type: "string" } }
    }
  }
};
function uiUrl(record) {
  const ui = record.manifest?.ui;
  return ui ? `/plugins/${record.name}/ui/${path5.basename(ui.module)}` : void 0;
}
function view(record, admin) {
  const manifest = record.manifest;
  const url = uiUrl(record);
  const base = {
    name: record.name,
    display_name: manifest?.displayName ?? record.name,
    description: manifest?.description ?? null,
    version: manifest?.version ?? null,
    state: record.state,
    prefix: manifest?.prefix ?? null,
    ui: manifest?.ui && url ? {
      tag: manifest.ui.tag,
      url,
      titles: manifest.ui.titles ?? {},
      descriptions: manifest.ui.descriptions ?? {}
    } : null
  };
  if (!admin) return base;
  return {
    ...base,
    since: record.stateSince.toISOString(),
    enabled_at_start: record.enabledAtStart,
    permissions: manifest?.permissions ?? {},
    failure: record.failure ?? null
  };
}
async function pluginAdminRoutes(app, deps) {
  app.get(
    "/api/kernel/plugins",
    {
      config: { access: "authenticated" },
      schema: {
        tags: ["kernel"],
        summary: "Plugins: the enabled ones for everyone, every plugin with details for administrators",
        response: {
          200: { type: "object", properties: { items: { type: "array", items: pluginView } } },
          ...errorResponses
        }
      }
    },
    async (request) => {
      const admin = hasPermission2(request.user?.permissions ?? [], ADMIN_PERMISSION);
      const records = deps.plugins.list().filter((record) => admin || record.state === "enabled");
      return { items: records.map((record) => view(record, admin)) };
    }
  );
  const actions = {
    enable: (name) => deps.plugins.enable(name),
    disable: (name) => deps.plugins.disable(name),
    reload: (name) => deps.plugins.reload(name)
  };
  for (const [action, run] of Object.entries(actions)) {
    app.post(
      `/api/kernel/plugins/:name/${action}`,
      {
        config: { access: ADMIN_PERMISSION },
        schema: {
          tags: ["kernel"],
          summary: `${action[0]?.toUpperCase()}${action.slice(1)} a plugin without restarting the process`,
          params: {
            type: "object",
            required: ["name"],
            properties: { name: { type: "string", pattern: "^[a-z0-9-]{1,60}$" } }
          },
          response: { 200: pluginView, ...errorResponses }
        }
      },
      async (request) => {
        Switchboard.excludeFromDrain(request.raw);
        const record = await run(request.params.name);
        request.log.info(
          { plugin: record.name, action, state: record.state, by: request.user?.username },
          `Plugin ${action} requested`
        );
        return view(record, true);
      }
    );
  }
}

// src/http/plugin-routes.ts
async function registerPluginRoutes(app, instance, rootLogger) {
  const dir = instance.routesDir;
  if (!dir) return;
  await app.register(
    async (scope) => {
      const { name, permissions } = instance.manifest;
      scope.addHook("onRoute", (route) => {
        const access = accessOf(route);
        if (access === "public" || access === "authenticated" || access === ADMIN_PERMISSION)
          return;
        if (!(access in permissions)) {
          throw new Error(
            `Route ${String(route.method)} ${route.url} requires ${access}, which the manifest of "${name}" does not declare (declared: ${Object.keys(permissions).join(", ") || "none"})`
          );
        }
      });
      const uploads = instance.definition.uploads;
      if (uploads) {
        scope.addHook("onRoute", (route) => {
          if (route.schema?.body === void 0 || readsMultipart(route.schema)) return;
          const existing = route.preValidation;
          const hooks = existing === void 0 ? [] : Array.isArray(existing) ? existing : [existing];
          route.preValidation = [...hooks, refuseMultipart];
        });
        await scope.register(multipart, {
          limits: {
            fileSize: uploads.maxFileBytes ?? 20 * 1024 * 1024,
            files: uploads.maxFiles ?? 5,
            fields: 50,
            parts: 60
          }
        });
      }
      scope.setChildLoggerFactory(
        (fastifyLogger, bindings) => lazyChildLogger(rootLogger ?? fastifyLogger, name, bindings)
      );
      await scope.register(autoload, {
        dir,
        options: { plugin: instance.context },
        // Only the plugin's own compiled route modules.
        ignorePattern: /(^|[\\/])(.*\.(test|spec)\.[cm]?js|.*\.map|.*\.d\.ts)$/,
        forceESM: true
      });
    },
    { prefix: instance.manifest.prefix }
  );
}
var MULTIPART = "multipart/form-data";
function readsMultipart(schema) {
  const { consumes, body } = schema ?? {};
  if (Array.isArray(consumes) && consumes.includes(MULTIPART)) return true;
  const content = body?.content;
  return content !== void 0 && MULTIPART in content;
}
var refuseMultipart = async (request) => {
  if (request.headers["content-type"]?.toLowerCase().startsWith(MULTIPART)) {
    throw new UnsupportedMediaTypeError(
      `This route does not take ${MULTIPART}: send JSON (application/json)`
    );
  }
};
async function probePluginRoutes(instance, prepare) {
  const scratch = Fastify({ logger: false });
  try {
    prepare(scratch);
    await registerPluginRoutes(scratch, instance);
    await scratch.ready();
  } finally {
    await scratch.close();
  }
}

// src/http/routes/auth-routes.ts
import { TooManyRequestsError, UnauthorizedError as UnauthorizedError5 } from "@roa2web/plugin-sdk";
import { parseCookie, stringifySetCookie } from "cookie";

// src/http/routes/companies-routes.ts
import { canSeeCompany, ForbiddenError as ForbiddenError2, NotFoundError } from "@roa2web/plugin-sdk";
async function visibleCompanies(deps, user) {
  const rows = await deps.erp.query(
    "SELECT id, code, name, tax_id, currency FROM companies ORDER BY name"
  );
  return rows.filter((row) => canSeeCompany(user, Number(row.id))).map((row) => ({ ...row, id: Number(row.id) }));
}
async function companiesRoutes(app, deps) {
  app.get(
    "/api/companies",
    {
      config: { access: "authenticated" },
      schema: {
        tags: ["companies"],
        summary: "The companies the caller may see",
        response: {
          200: { type: "object", properties: { items: { type: "array", items: companySchema } } },
          ...errorResponses
        }
      }
    },
    // biome-ignore lint/style/noNonNullAssertion: the access hook guarantees a user here
    async (request) => ({ items: await visibleCompanies(deps, request.user) })
  );
  app.get(
    "/api/calendar",
    {
      config: { access: "authenticated" },
      schema: {
        tags: ["companies"],
        summary: "Accounting periods of a company: years and months, open or closed",
        querystring: {
          type: "object",
          required: ["company"],
          additionalProperties: false,
          properties: { company: { type: "integer", minimum: 1 } }
        },
        response: {
          200: {
            type: "object",
            properties: {
              company_id: { type: "integer" },
              current: {
                type: "object",
                nullable: true,
                properties: { year: { type: "integer" }, month: { type: "integer" } }
              },
              years: {
                type: "array",
                items: {
                  type: "object",
                  properties: {
                    year: { type: "integer" },
                    months: {
                      type: "array",
                      items: {
                        type: "object",
                        properties: {
                          month: { type: "integer" },
                          period: { type: "string", description: "YYYY-MM" },
                          closed: { type: "boolean" }
                        }
                      }
                    }
                  }
                }
              }
            }
          },
          ...errorResponses
        }
      }
    },
    async (request) => {
      const companyId = request.query.company;
      if (!canSeeCompany(request.user, companyId)) {
        throw new ForbiddenError2(`You are not granted company ${companyId}`, {
          details: { company: companyId }
        });
      }
      const rows = await deps.erp.query(
        "SELECT year, month, closed FROM periods WHERE company_id = :company ORDER BY year DESC, month DESC",
        { company: companyId }
      );
      if (rows.length === 0) {
        const exists = await deps.erp.queryOne("SELECT id FROM companies WHERE id = :company", {
          company: companyId
        });
        if (!exists) throw new NotFoundError(`No company with id ${companyId}`);
      }
      const years = /* @__PURE__ */ new Map();
      for (const row of rows) {
        const year = Number(row.year);
        const month = Number(row.month);
        const list = years.get(year) ?? [];
        list.push({
          month,
          period: `${year}-${String(month).padStart(2, "0")}`,
          closed: Number(row.closed) === 1
        });
        years.set(year, list);
      }
      const first = rows[0];
      return {
        company_id: companyId,
        current: first ? { year: Number(first.year), month: Number(first.month) } : null,
        years: [...years].map(([year, months]) => ({ year, months }))
      };
    }
  );
}

// src/http/routes/auth-routes.ts
var tokenPair = {
  type: "object",
  required: ["access_token", "refresh_token", "token_type", "expires_in"],
  properties: {
    access_token: { type: "string" },
    refresh_token: { type: "string" },
    token_type: { type: "string", enum: ["Bearer"] },
    expires_in: { type: "integer", description: "Seconds until the access token expires" },
    refresh_expires_at: { type: "string", format: "date-time" }
  }
};
var refreshBody = {
  type: "object",
  additionalProperties: false,
  description: "`refresh_token` may be left out when the browser sends the refresh cookie",
  properties: { refresh_token: { type: "string", minLength: 1, maxLength: 200 } }
};
var REFRESH_COOKIE = "roa2web_refresh";
var REFRESH_COOKIE_PATH = "/api/auth";
function refreshTokenOf(request) {
  const fromBody = request.body?.refresh_token;
  if (fromBody) return fromBody;
  const header = request.headers.cookie;
  return header ? parseCookie(header)[REFRESH_COOKIE] : void 0;
}
function setRefreshCookie(request, reply, pair) {
  const expires = new Date(pair.refresh_expires_at);
  reply.header(
    "set-cookie",
    stringifySetCookie({
      name: REFRESH_COOKIE,
      value: pair.refresh_token,
      httpOnly: true,
      sameSite: "strict",
      secure: request.protocol === "https",
      path: REFRESH_COOKIE_PATH,
      expires
    })
  );
}
function clearRefreshCookie(request, reply) {
  reply.header(
    "set-cookie",
    stringifySetCookie({
      name: REFRESH_COOKIE,
      value: "",
      httpOnly: true,
      sameSite: "strict",
      secure: request.protocol === "https",
      path: REFRESH_COOKIE_PATH,
      expires: /* @__PURE__ */ new Date(0)
    })
  );
}
async function authRoutes(app, deps) {
  const { auth, settings } = deps;
  app.post(
    "/api/auth/login",
    {
      config: {
        access: "public",
        rateLimit: {
          max: settings.auth.loginRateLimit.max,
          timeWindow: settings.auth.loginRateLimit.windowMs,
          keyGenerator: (request) => `login:${request.ip}`,
          errorResponseBuilder: (_request, context) => new TooManyRequestsError(
            `Too many sign-in attempts; try again in ${Math.ceil(context.ttl / 1e3)} seconds`,
            {
              details: { retry_after_seconds: Math.ceil(context.ttl / 1e3) }
            }
          )
        }
      },
      schema: {
        tags: ["auth"],
        summary: "Sign in with a user name and password",
        body: {
          type: "object",
          required: ["username", "password"],
          additionalProperties: false,
          properties: {
            username: { type: "string", minLength: 1, maxLength: 100 },
            password: { type: "string", minLength: 1, maxLength: 200 }
          }
        },
        response: { 200: tokenPair, ...errorResponses }
      }
    },
    async (request, reply) => {
      const pair = await auth.login(request.body.username, request.body.password);
      setRefreshCookie(request, reply, pair);
      return pair;
    }
  );
  app.post(
    "/api/auth/refresh",
    {
      config: { access: "public" },
      schema: {
        tags: ["auth"],
        summary: "Exchange a refresh token for a new pair (the old one stops working)",
        body: refreshBody,
        response: { 200: tokenPair, ...errorResponses }
      }
    },
    async (request, reply) => {
      const token = refreshTokenOf(request);
      if (!token) throw new UnauthorizedError5("No refresh token: sign in again");
      try {
        const pair = await auth.refresh(token);
        setRefreshCookie(request, reply, pair);
        return pair;
      } catch (error) {
        clearRefreshCookie(request, reply);
        throw error;
      }
    }
  );
  app.post(
    "/api/auth/logout",
    {
      config: { access: "public" },
      schema: {
        tags: ["auth"],
        summary: "Sign out: revokes the refresh token and every token rotated from it, and the access token sent in Authorization (if any)",
        body: refreshBody,
        response: { 204: { type: "null", description: "Signed out" }, ...errorResponses }
      }
    },
    async (request, reply) => {
      const token = refreshTokenOf(request);
      if (token) await auth.logout(token);
      const bearer = bearerTokenOf(request);
      if (bearer) deps.accessTokens.revoke(bearer);
      clearRefreshCookie(request, reply);
      return reply.status(204).send();
    }
  );
  app.get(
    "/api/auth/me",
    {
      config: { access: "authenticated" },
      schema: {
        tags: ["auth"],
        summary: "The signed-in user, their permissions and companies",
        response: {
          200: {
            type: "object",
            required: ["user", "permissions", "companies"],
            properties: {
              user: {
                type: "object",
                required: ["id", "username", "display_name"],
                properties: {
                  id: { type: "integer" },
                  username: { type: "string" },
                  display_name: { type: "string" }
                }
              },
              permissions: { type: "array", items: { type: "string" } },
              companies: { type: "array", items: companySchema }
            }
          },
          ...errorResponses
        }
      }
    },
    async (request) => {
      const user = await auth.currentUser(request.user);
      return {
        user: { id: user.id, username: user.username, display_name: user.displayName },
        permissions: user.permissions,
        companies: await visibleCompanies(deps, user)
      };
    }
  );
}

// src/http/routes/health-routes.ts
var PLUGIN_HEALTH_TIMEOUT_MS = 300;
async function boundedHealth(check) {
  let timer;
  try {
    return await Promise.race([
      check(),
      new Promise((resolve) => {
        timer = setTimeout(
          () => resolve({ status: "down", detail: `no answer within ${PLUGIN_HEALTH_TIMEOUT_MS} ms` }),
          PLUGIN_HEALTH_TIMEOUT_MS
        );
      })
    ]);
  } catch (error) {
    return { status: "down", detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
async function healthRoutes(app, deps) {
  const check = {
    type: "object",
    properties: {
      name: { type: "string" },
      status: { type: "string" },
      detail: { type: "string" },
      critical: { type: "boolean" },
      duration_ms: { type: "number" },
      data: { type: "object", additionalProperties: true }
    }
  };
  const plugin = {
    type: "object",
    properties: {
      name: { type: "string" },
      version: { type: "string", nullable: true },
      state: { type: "string" },
      status: { type: "string" },
      detail: { type: "string" },
      data: { type: "object", additionalProperties: true }
    }
  };
  const body = {
    type: "object",
    properties: {
      status: { type: "string", enum: ["ok", "degraded", "down"] },
      version: { type: "string" },
      environment: { type: "string" },
      uptime_seconds: { type: "number" },
      generation: { type: "integer" },
      checks: { type: "array", items: check },
      plugins: { type: "array", items: plugin }
    }
  };
  app.get(
    "/health",
    {
      config: { access: "public" },
      schema: {
        tags: ["kernel"],
        summary: "Health of the kernel services and every plugin (503 when the ERP is down)",
        response: { 200: body, 503: body }
      }
    },
    async (_request, reply) => {
      const [kernel, plugins] = await Promise.all([
        deps.health.run(),
        Promise.all(
          deps.plugins.list().map(async (record) => {
            const base = {
              name: record.name,
              version: record.manifest?.version ?? null,
              state: record.state
            };
            if (record.state === "failed") {
              return {
                ...base,
                status: "down",
                detail: `failed while at step "${record.failure?.step}": ${record.failure?.message}`
              };
            }
            if (record.state !== "enabled" || !record.instance)
              return { ...base, status: record.state };
            const instance = record.instance;
            return { ...base, ...await boundedHealth(() => instance.health()) };
          })
        )
      ]);
      const pluginTrouble = plugins.some(
        (plugin2) => plugin2.status === "down" || plugin2.status === "degraded"
      );
      const status = kernel.status === "down" ? "down" : kernel.status === "degraded" || pluginTrouble ? "degraded" : "ok";
      return reply.status(status === "down" ? 503 : 200).send({
        status,
        version: deps.kernelVersion,
        environment: deps.settings.environment,
        uptime_seconds: Math.round((Date.now() - deps.startedAt.getTime()) / 1e3),
        generation: deps.currentGeneration(),
        checks: kernel.checks.map(({ durationMs, ...entry }) => ({
          ...entry,
          duration_ms: durationMs
        })),
        plugins
      });
    }
  );
}

// src/http/generation.ts
var API_HEADERS = apiSecurityHeaderList();
function addApiHeaders(request, reply) {
  if (isApiUrl(request.url)) {
    for (let i = 0; i < API_HEADERS.length; i++) {
      const [name, value] = API_HEADERS[i];
      reply.header(name, value);
    }
  }
  if (request.protocol === "https") reply.header("strict-transport-security", HSTS_VALUE);
  reply.header("x-request-id", request.id);
}
function fastifyOptions(deps) {
  const root = deps.logger;
  return {
    // Fastify gets no logger of its own: with one, it adds 'finish' and 'error'
    // listeners, two clock reads and a closure to every response only to time its
    // "request completed" line, which the kernel turns off (the switchboard writes
    // one access line itself). Measured: ~2.5 µs, a tenth of a trivial route.
    // Request loggers still come from the kernel's logger: the factory below ignores
    // the null logger Fastify hands it. (Fastify's own few lines about the instance
    // itself are lost; no kernel or plugin code logs through `app.log`.)
    logger: false,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "reqId" }),
    // Kernel routes log as "http"; each plugin's context sets its own name (plugin-routes.ts).
    childLoggerFactory: (_fastifyLogger, bindings) => lazyChildLogger(root, "http", bindings),
    bodyLimit: deps.settings.http.bodyLimitBytes,
    trustProxy: deps.settings.http.trustProxy,
    requestIdHeader: false,
    // The switchboard fixes the id before routing; inject() in tests bypasses it, so
    // the same rule runs then.
    genReqId: switchboardRequestId,
    ajv: {
      customOptions: {
        allErrors: false,
        removeAdditional: false,
        coerceTypes: "array",
        useDefaults: true,
        // Ajv's default (true) skips `minimum`/`maximum` for a number it coerced from
        // "Infinity"; off, those checks run, and bounded-numbers.ts bounds every number.
        strictNumbers: false
      }
    },
    // A URL the router cannot decode (`%`, `%E0%A4%A`) or a path segment over its
    // length limit is answered by Fastify before any hook or error handler, in its own
    // shape; these answer like every other error instead.
    frameworkErrors: (error, request, reply) => {
      addApiHeaders(request, reply);
      const { status, body } = urlErrorBody(request, error);
      return reply.status(status).send(body);
    },
    return503OnClosing: true
  };
}
var IMMUTABLE = "public, max-age=31536000, immutable";
var REVALIDATE = "no-cache";
function shellCacheHeaders(reply, file) {
  reply.header(
    "cache-control",
    file.includes(`${path6.sep}assets${path6.sep}`) ? IMMUTABLE : REVALIDATE
  );
}
function pluginUiCacheHeaders(reply, file) {
  reply.header(
    "cache-control",
    file.includes(`${path6.sep}chunks${path6.sep}`) ? IMMUTABLE : REVALIDATE
  );
}
async function buildGeneration(deps, plugins) {
  const app = Fastify2(fastifyOptions(deps));
  const { settings } = deps;
  app.addHook("onRoute", boundRouteNumbers);
  app.addHook("onRequest", (request, reply, done) => {
    addApiHeaders(request, reply);
    done();
  });
  if (settings.http.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: settings.http.corsOrigins,
      credentials: true,
      exposedHeaders: ["x-request-id", "x-cache", "age", "content-disposition", "retry-after"]
    });
  }
  await app.register(rateLimit, { global: false, store: deps.rateLimitStore });
  await app.register(swagger, {
    openapi: {
      info: {
        title: "roa2web API",
        version: deps.kernelVersion,
        description: "The kernel's and every running plugin's routes."
      },
      components: {
        securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } }
      },
      security: [{ bearer: [] }]
    }
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs", staticCSP: true });
  installAccessControl(app, deps.accessTokens);
  const shellIndex = deps.settings.uiShellDir ? path6.join(deps.settings.uiShellDir, "index.html") : void 0;
  const hasShell = shellIndex !== void 0 && existsSync3(shellIndex);
  installErrorHandling(app, {
    notFound: (request, reply) => {
      if (hasShell && (request.method === "GET" || request.method === "HEAD") && !request.url.startsWith("/api/") && request.url !== "/health") {
        return reply.type("text/html").sendFile("index.html");
      }
      return reply.status(404).send(
        errorBody(
          request,
          "NOT_FOUND",
          `No route ${request.method} ${request.url.split("?")[0]}`
        )
      );
    }
  });
  if (hasShell && deps.settings.uiShellDir) {
    await app.register(fastifyStatic, {
      root: deps.settings.uiShellDir,
      prefix: "/",
      wildcard: false,
      index: ["index.html"],
      cacheControl: false,
      setHeaders: shellCacheHeaders
    });
  } else {
    app.get(
      "/",
      { config: { access: "public" }, schema: { hide: true } },
      async (_request, reply) => reply.type("text/html").send(
        `<!doctype html><title>roa2web</title><h1>roa2web ${deps.kernelVersion}</h1><p>The web shell is not built. API docs: <a href="/api/docs">/api/docs</a>, health: <a href="/health">/health</a>.</p>`
      )
    );
  }
  await app.register(async (kernel) => {
    await healthRoutes(kernel, deps);
    await authRoutes(kernel, deps);
    await companiesRoutes(kernel, deps);
    await pluginAdminRoutes(kernel, deps);
  });
  for (const instance of plugins) {
    const ui = instance.manifest.ui;
    if (ui) {
      await app.register(fastifyStatic, {
        root: path6.dirname(path6.resolve(instance.manifest.root, ui.module)),
        prefix: `/plugins/${instance.manifest.name}/ui/`,
        decorateReply: false,
        cacheControl: false,
        setHeaders: pluginUiCacheHeaders
      });
    }
    await registerPluginRoutes(app, instance, deps.logger);
  }
  await app.ready();
  return app;
}

// src/http/rate-limit-store.ts
var MAX_KEYS = 1e4;
function createSharedRateLimitStore() {
  const entries = /* @__PURE__ */ new Map();
  const store = {
    incr(key, callback, timeWindow) {
      const now = Date.now();
      let entry = entries.get(key);
      if (!entry || entry.windowStart + timeWindow <= now) {
        entry = { current: 0, ttl: timeWindow, windowStart: now };
        entries.delete(key);
        if (entries.size >= MAX_KEYS) {
          const oldest = entries.keys().next().value;
          if (oldest !== void 0) entries.delete(oldest);
        }
        entries.set(key, entry);
      }
      entry.current += 1;
      entry.ttl = entry.windowStart + timeWindow - now;
      callback(null, { current: entry.current, ttl: entry.ttl });
    },
    read(key, callback, timeWindow) {
      const now = Date.now();
      const entry = entries.get(key);
      if (!entry || entry.windowStart + timeWindow <= now)
        return callback(null, { current: 0, ttl: 0 });
      callback(null, { current: entry.current, ttl: entry.windowStart + timeWindow - now });
    },
    child() {
      return store;
    }
  };
  return function SharedStore() {
    return store;
  };
}

// src/logging/create-logger.ts
import { pino } from "pino";
function createLogger(settings, destination) {
  const options = {
    level: settings.log.level,
    base: void 0,
    // Never write credentials or tokens, whatever a caller logs.
    redact: {
      paths: [
        "password",
        "*.password",
        "refresh_token",
        "*.refresh_token",
        "access_token",
        "*.access_token",
        "req.headers.authorization",
        "req.headers.cookie"
      ],
      censor: "[redacted]"
    }
  };
  if (destination) return pino(options, destination);
  if (settings.log.pretty) {
    return pino({
      ...options,
      transport: {
        target: "pino-pretty",
        options: {
          translateTime: "SYS:HH:MM:ss.l",
          ignore: "pid,hostname,module",
          messageFormat: "[{module}] {msg}"
        }
      }
    });
  }
  return pino(options);
}

// src/plugins/event-hub.ts
var EventHub = class {
  constructor(logger) {
    this.logger = logger;
  }
  logger;
  subscriptions = /* @__PURE__ */ new Map();
  subscribe(subscriber, event, handler) {
    const subscription = { subscriber, handler };
    let set = this.subscriptions.get(event);
    if (!set) {
      set = /* @__PURE__ */ new Set();
      this.subscriptions.set(event, set);
    }
    set.add(subscription);
    return () => {
      set.delete(subscription);
    };
  }
  emit(source, event, payload) {
    const set = this.subscriptions.get(event);
    if (!set) return;
    for (const { subscriber, handler } of [...set]) {
      queueMicrotask(() => {
        Promise.resolve().then(() => handler(payload)).catch(
          (error) => this.logger.error({ err: error, event, source, subscriber }, "An event handler failed")
        );
      });
    }
  }
  /** The bus handed to one plugin instance; `dispose()` drops its subscriptions. */
  scoped(name) {
    const unsubscribers = /* @__PURE__ */ new Set();
    return {
      on: (event, handler) => {
        const unsubscribe = this.subscribe(name, event, handler);
        unsubscribers.add(unsubscribe);
        return () => {
          unsubscribe();
          unsubscribers.delete(unsubscribe);
        };
      },
      emit: (event, payload) => this.emit(name, event, payload),
      dispose: () => {
        for (const unsubscribe of unsubscribers) unsubscribe();
        unsubscribers.clear();
      }
    };
  }
};

// src/plugins/plugin-manager.ts
import { pathToFileURL } from "url";
import {
  ConflictError,
  envNamespace as envNamespace2,
  isPluginDefinition,
  NotFoundError as NotFoundError2
} from "@roa2web/plugin-sdk";

// src/plugins/discover.ts
import { existsSync as existsSync4, readdirSync, readFileSync as readFileSync3, realpathSync, statSync } from "fs";
import path7 from "path";
function discoverPluginRoots(directories) {
  const roots = [];
  for (const directory of directories) {
    if (!existsSync4(directory)) continue;
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const found = path7.join(directory, entry.name);
      const root = entry.isSymbolicLink() ? linkedFolder(found) : entry.isDirectory() && found;
      if (root && hasManifest(root)) roots.push(root);
    }
  }
  return roots.sort();
}
function linkedFolder(link) {
  try {
    return statSync(link).isDirectory() ? realpathSync(link) : void 0;
  } catch {
    return void 0;
  }
}
function hasManifest(root) {
  const file = path7.join(root, "package.json");
  if (!existsSync4(file)) return false;
  try {
    return typeof JSON.parse(readFileSync3(file, "utf8")).roa2web === "object";
  } catch {
    return true;
  }
}

// src/plugins/manifest.ts
import { existsSync as existsSync5, readFileSync as readFileSync4 } from "fs";
import path8 from "path";
import { Ajv } from "ajv";
import semver from "semver";
var RESERVED_PREFIXES = [
  "/api/auth",
  "/api/kernel",
  "/api/companies",
  "/api/calendar",
  "/api/docs",
  "/health"
];
var manifestSchema = {
  type: "object",
  required: ["name", "entry", "kernel", "prefix", "permissions"],
  additionalProperties: false,
  properties: {
    name: { type: "string", pattern: "^[a-z][a-z0-9]*(-[a-z0-9]+)*$", maxLength: 40 },
    displayName: { type: "string", maxLength: 80 },
    description: { type: "string", maxLength: 500 },
    entry: { type: "string", minLength: 1 },
    kernel: { type: "string", minLength: 1 },
    prefix: { type: "string", pattern: "^/api/[a-z0-9-]+(/[a-z0-9-]+)*$" },
    permissions: {
      type: "object",
      propertyNames: { pattern: "^[a-z0-9][a-z0-9-]*:[a-z0-9][a-z0-9-]*$" },
      additionalProperties: { type: "string" }
    },
    ui: {
      type: "object",
      required: ["tag", "module"],
      additionalProperties: false,
      properties: {
        tag: { type: "string", pattern: "^[a-z][a-z0-9]*(-[a-z0-9]+)+$" },
        module: { type: "string", minLength: 1 },
        titles: {
          type: "object",
          propertyNames: { pattern: "^[a-z]{2}$" },
          additionalProperties: { type: "string", minLength: 1, maxLength: 80 }
        },
        descriptions: {
          type: "object",
          propertyNames: { pattern: "^[a-z]{2}$" },
          additionalProperties: { type: "string", maxLength: 500 }
        }
      }
    },
    enabledByDefault: { type: "boolean" }
  }
};
var ajv = new Ajv({ allErrors: true });
var validateManifest = ajv.compile(manifestSchema);
var ManifestError = class extends Error {
  constructor(pluginRoot, message, pluginName) {
    super(message);
    this.pluginRoot = pluginRoot;
    this.pluginName = pluginName;
    this.name = "ManifestError";
  }
  pluginRoot;
  pluginName;
};
function readManifest(root, kernelVersion) {
  const packageFile = path8.join(root, "package.json");
  let pkg;
  try {
    pkg = JSON.parse(readFileSync4(packageFile, "utf8"));
  } catch (error) {
    throw new ManifestError(root, `package.json cannot be read: ${error.message}`);
  }
  const guessName = pkg.roa2web?.name;
  const name = typeof guessName === "string" ? guessName : void 0;
  if (typeof pkg.name !== "string" || typeof pkg.version !== "string" || !semver.valid(pkg.version)) {
    throw new ManifestError(root, "package.json needs a name and a semver version", name);
  }
  if (!validateManifest(pkg.roa2web)) {
    const problems = (validateManifest.errors ?? []).map((error) => `roa2web${error.instancePath.replace(/\//g, ".")} ${error.message}`).join("; ");
    throw new ManifestError(root, `invalid manifest: ${problems}`, name);
  }
  const manifest = pkg.roa2web;
  if (!semver.validRange(manifest.kernel)) {
    throw new ManifestError(
      root,
      `roa2web.kernel "${manifest.kernel}" is not a semver range`,
      manifest.name
    );
  }
  if (!semver.satisfies(kernelVersion, manifest.kernel, { includePrerelease: true })) {
    throw new ManifestError(
      root,
      `needs kernel ${manifest.kernel}, but this kernel is ${kernelVersion}`,
      manifest.name
    );
  }
  if (RESERVED_PREFIXES.some(
    (reserved) => manifest.prefix === reserved || manifest.prefix.startsWith(`${reserved}/`)
  )) {
    throw new ManifestError(root, `prefix ${manifest.prefix} belongs to the kernel`, manifest.name);
  }
  for (const permission of Object.keys(manifest.permissions)) {
    if (!permission.startsWith(`${manifest.name}:`)) {
      throw new ManifestError(
        root,
        `permission ${permission} must start with "${manifest.name}:"`,
        manifest.name
      );
    }
  }
  if (manifest.ui && !manifest.ui.tag.startsWith(`${manifest.name}-`)) {
    throw new ManifestError(
      root,
      `UI tag <${manifest.ui.tag}> must start with "${manifest.name}-"`,
      manifest.name
    );
  }
  const entry = path8.resolve(root, manifest.entry);
  if (!entry.startsWith(root + path8.sep))
    throw new ManifestError(root, "entry must be inside the package", manifest.name);
  if (!existsSync5(entry)) {
    throw new ManifestError(
      root,
      `entry ${manifest.entry} does not exist (is the plugin built?)`,
      manifest.name
    );
  }
  if (manifest.ui) {
    const uiModule = path8.resolve(root, manifest.ui.module);
    if (!uiModule.startsWith(root + path8.sep))
      throw new ManifestError(root, "ui.module must be inside the package", manifest.name);
    if (!existsSync5(uiModule)) {
      throw new ManifestError(
        root,
        `ui.module ${manifest.ui.module} does not exist (is the UI built?)`,
        manifest.name
      );
    }
  }
  return { ...manifest, version: pkg.version, packageName: pkg.name, root };
}

// src/plugins/plugin-instance.ts
import { mkdirSync as mkdirSync4 } from "fs";
import path9 from "path";
import { fileURLToPath } from "url";
import { asValue } from "awilix";

// src/config/plugin-settings.ts
import { envNamespace } from "@roa2web/plugin-sdk";
function createPluginSettings(pluginName, env) {
  const prefix = `${envNamespace(pluginName)}_`;
  const values = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith(prefix) && value.trim() !== "")
      values[key.slice(prefix.length)] = value.trim();
  }
  const invalid2 = (key, expected) => (
    // A deployment mistake, not a bad request: a plain Error (500 if it reaches HTTP).
    new Error(`Setting ${prefix}${key} must be ${expected} (got "${values[key]}")`)
  );
  return Object.freeze({
    prefix,
    values: Object.freeze(values),
    string: (key, fallback) => values[key] ?? fallback,
    optionalString: (key) => values[key],
    number(key, fallback) {
      const raw = values[key];
      if (raw === void 0) return fallback;
      const parsed = Number(raw);
      if (!Number.isFinite(parsed)) throw invalid2(key, "a number");
      return parsed;
    },
    boolean(key, fallback) {
      const raw = values[key]?.toLowerCase();
      if (raw === void 0) return fallback;
      if (["1", "true", "yes", "on"].includes(raw)) return true;
      if (["0", "false", "no", "off"].includes(raw)) return false;
      throw invalid2(key, "true or false");
    }
  });
}

// src/plugins/plugin-instance.ts
var SHARED_NAMES = /* @__PURE__ */ new Set([
  "logger",
  "settings",
  "config",
  "erp",
  "cache",
  "services",
  "events",
  "pluginContext"
]);
var PluginStepError = class extends Error {
  constructor(step, original) {
    super(`${step}: ${original instanceof Error ? original.message : String(original)}`);
    this.step = step;
    this.original = original;
    this.name = "PluginStepError";
  }
  step;
  original;
};
var PluginInstance = class _PluginInstance {
  constructor(manifest, definition, shared) {
    this.manifest = manifest;
    this.definition = definition;
    const { name, version } = manifest;
    const logger = shared.logger.child({ module: name, pluginVersion: version });
    const services = shared.services.scoped(name);
    const events = shared.events.scoped(name);
    this.disposers.push(services.dispose, events.dispose);
    const dataDir = path9.join(shared.settings.dataDir, "plugins", name);
    this.scope = shared.container.createScope();
    const context = {
      name,
      version,
      kernel: Object.freeze({
        version: shared.kernelVersion,
        environment: shared.settings.environment
      }),
      logger,
      settings: createPluginSettings(name, shared.settings.env),
      erp: shared.erp,
      cache: shared.cache.namespaced(name),
      services,
      events,
      dataDir,
      database: () => {
        if (!this.dataSource)
          throw new Error(`Plugin "${name}" declared no database in definePlugin({ database })`);
        return this.dataSource;
      },
      reportHealth: (status) => {
        this.reported = status;
      },
      register: (key, value) => {
        if (SHARED_NAMES.has(key))
          throw new Error(`"${key}" is a kernel service name; pick another`);
        this.scope.register(key, asValue(value));
        this.ownNames.add(key);
      },
      resolve: (key) => {
        if (!SHARED_NAMES.has(key) && !this.ownNames.has(key)) {
          throw new Error(
            `Plugin "${name}" cannot resolve "${key}": register it first, or use one of ${[...SHARED_NAMES].join(", ")}`
          );
        }
        return this.scope.resolve(key);
      },
      signal: this.abort.signal
    };
    this.context = Object.freeze(context);
    this.scope.register({
      logger: asValue(logger),
      settings: asValue(context.settings),
      config: asValue(context.settings),
      erp: asValue(shared.erp),
      cache: asValue(context.cache),
      services: asValue(services),
      events: asValue(events),
      pluginContext: asValue(this.context)
    });
  }
  manifest;
  definition;
  dataSource;
  abort = new AbortController();
  reported;
  disposers = [];
  ownNames = /* @__PURE__ */ new Set();
  context;
  scope;
  startedAt = /* @__PURE__ */ new Date();
  /** Migrates the plugin's database, then runs its start hook. Throws PluginStepError. */
  static async start(manifest, definition, shared) {
    const instance = new _PluginInstance(manifest, definition, shared);
    try {
      await instance.openDatabase();
      try {
        await definition.start?.(instance.context);
      } catch (error) {
        throw new PluginStepError("start", error);
      }
      return instance;
    } catch (error) {
      await instance.release();
      throw error;
    }
  }
  async openDatabase() {
    mkdirSync4(this.context.dataDir, { recursive: true });
    const database = this.definition.database;
    if (!database) return;
    const started = performance.now();
    try {
      const opened = await openSqliteDataSource({
        file: path9.join(this.context.dataDir, `${this.manifest.name}.db`),
        entities: database.entities,
        migrations: database.migrations,
        logger: this.context.logger
      });
      this.dataSource = opened.dataSource;
      if (opened.appliedMigrations.length > 0) {
        this.context.logger.info(
          { migrations: opened.appliedMigrations, ms: Math.round(performance.now() - started) },
          "Applied migrations"
        );
      }
    } catch (error) {
      throw new PluginStepError("migrate", error);
    }
  }
  /** The folder autoload reads route modules from, if the plugin has routes. */
  get routesDir() {
    const routes = this.definition.routes;
    if (routes === void 0) return void 0;
    if (routes instanceof URL || typeof routes === "string" && routes.startsWith("file:"))
      return fileURLToPath(routes);
    return path9.resolve(this.manifest.root, routes);
  }
  async health() {
    if (this.definition.health) return this.definition.health(this.context);
    return this.reported ?? { status: "up" };
  }
  /** Runs the stop hook, then releases everything; never throws (failures are logged). */
  async stop(timeoutMs = 1e4) {
    this.abort.abort(new Error("plugin stopping"));
    if (this.definition.stop) {
      let timer;
      try {
        await Promise.race([
          Promise.resolve().then(() => this.definition.stop?.(this.context)),
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`stop hook did not finish within ${timeoutMs} ms`)),
              timeoutMs
            );
          })
        ]);
      } catch (error) {
        this.context.logger.error({ err: error }, "The plugin's stop hook failed");
      } finally {
        clearTimeout(timer);
      }
    }
    await this.release();
  }
  async release() {
    if (!this.abort.signal.aborted) this.abort.abort(new Error("plugin stopping"));
    for (const dispose of this.disposers) dispose();
    this.disposers = [];
    if (this.dataSource?.isInitialized) {
      await this.dataSource.destroy().catch(
        (error) => this.context.logger.warn({ err: error }, "Closing the plugin database failed")
      );
    }
    this.dataSource = void 0;
    await this.scope.dispose().catch(() => void 0);
  }
};

// src/plugins/plugin-manager.ts
var PluginManager = class {
  constructor(shared) {
    this.shared = shared;
    this.log = shared.logger.child({ module: "kernel" });
  }
  shared;
  records = /* @__PURE__ */ new Map();
  queue = Promise.resolve();
  publish = async () => void 0;
  checkRoutes = async () => void 0;
  /** The manager's own lines are the kernel's; plugins get children of the root logger. */
  log;
  /** Wires the HTTP layer in (the manager does not know about Fastify). */
  attachHttp(publish, checkRoutes) {
    this.publish = publish;
    this.checkRoutes = checkRoutes;
  }
  /** Reads every manifest and imports the code of plugins that are switched on. */
  async discover() {
    const seenUiTags = /* @__PURE__ */ new Map();
    const seenPrefixes = /* @__PURE__ */ new Map();
    for (const root of discoverPluginRoots(this.shared.settings.plugins.directories)) {
      const folder = root.split(/[\\/]/).pop() ?? root;
      let manifest;
      try {
        manifest = readManifest(root, this.shared.kernelVersion);
        const clash = this.records.has(manifest.name) && `another plugin is already named "${manifest.name}"` || seenPrefixes.has(manifest.prefix) && `prefix ${manifest.prefix} is taken by "${seenPrefixes.get(manifest.prefix)}"` || manifest.ui && seenUiTags.has(manifest.ui.tag) && `UI tag <${manifest.ui.tag}> is taken by "${seenUiTags.get(manifest.ui.tag)}"`;
        if (clash) throw new ManifestError(root, clash, manifest.name);
      } catch (error) {
        const name = error instanceof ManifestError && error.pluginName && !this.records.has(error.pluginName) ? error.pluginName : folder;
        this.addFailed(name, root, "manifest", error);
        continue;
      }
      seenPrefixes.set(manifest.prefix, manifest.name);
      if (manifest.ui) seenUiTags.set(manifest.ui.tag, manifest.name);
      const enabledAtStart = this.shared.settings.plugins.switches[envNamespace2(manifest.name)] ?? manifest.enabledByDefault ?? true;
      this.records.set(manifest.name, {
        name: manifest.name,
        root,
        manifest,
        state: "disabled",
        failure: void 0,
        definition: void 0,
        instance: void 0,
        enabledAtStart,
        stateSince: /* @__PURE__ */ new Date()
      });
    }
  }
  /** Starts every plugin switched on at start, in parallel; failures are recorded, not thrown. */
  async startEnabled() {
    await this.exclusive(async () => {
      const wanted = [...this.records.values()].filter(
        (record) => record.enabledAtStart && record.manifest
      );
      await Promise.all(wanted.map((record) => this.startRecord(record)));
      await this.publishRunning();
      for (const record of wanted)
        if (record.state === "enabled") this.announce(record, "plugin.enabled");
    });
  }
  list() {
    return [...this.records.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
  get(name) {
    return this.records.get(name);
  }
  running() {
    return this.list().flatMap(
      (record) => record.state === "enabled" && record.instance ? [record.instance] : []
    );
  }
  enable(name) {
    return this.exclusive(async () => {
      const record = this.require(name);
      if (record.state === "enabled") return record;
      if (!record.manifest)
        throw new ConflictError(
          `Plugin "${name}" cannot be enabled: ${record.failure?.message ?? "invalid manifest"}`
        );
      await this.startRecord(record);
      if (record.state === "enabled") {
        await this.publishRunning();
        this.announce(record, "plugin.enabled");
      }
      return record;
    });
  }
  disable(name) {
    return this.exclusive(async () => {
      const record = this.require(name);
      if (record.state !== "enabled" || !record.instance) {
        if (record.state === "failed" && record.manifest) this.setState(record, "disabled");
        return record;
      }
      const instance = record.instance;
      this.setState(record, "stopping");
      await this.publishRunning();
      await instance.stop();
      record.instance = void 0;
      this.setState(record, "disabled");
      this.log.info({ plugin: name }, "Plugin disabled");
      this.announce(record, "plugin.disabled");
      return record;
    });
  }
  /**
   * A new instance from the code already loaded (no new import). Normally the new
   * instance starts first and is swapped in without dropping requests; an `exclusive`
   * plugin is stopped first instead (never two instances at once).
   */
  reload(name) {
    return this.exclusive(async () => {
      const record = this.require(name);
      if (record.state !== "enabled" || !record.instance || !record.manifest || !record.definition) {
        throw new ConflictError(`Plugin "${name}" is not running; enable it instead`);
      }
      const started = performance.now();
      if (record.definition.exclusive) {
        await this.restartExclusive(record);
      } else {
        const old = record.instance;
        let fresh;
        try {
          fresh = await PluginInstance.start(record.manifest, record.definition, this.shared);
          await this.verifyRoutes(fresh);
        } catch (error) {
          this.log.error(
            { plugin: name, err: error },
            "Plugin reload failed; the running instance stays"
          );
          throw new ConflictError(`Reload of "${name}" failed: ${error.message}`);
        }
        record.instance = fresh;
        await this.publishRunning();
        await old.stop();
        this.setState(record, "enabled");
      }
      this.log.info(
        { plugin: name, ms: Math.round(performance.now() - started) },
        "Plugin reloaded"
      );
      return record;
    });
  }
  /** Reload of an exclusive plugin: routes off, old instance stopped, then a fresh start. */
  async restartExclusive(record) {
    const old = record.instance;
    this.setState(record, "stopping");
    await this.publishRunning();
    await old?.stop();
    record.instance = void 0;
    await this.startRecord(record);
    await this.publishRunning();
    if (record.state !== "enabled") {
      throw new ConflictError(
        `Reload of "${record.name}" failed: ${record.failure?.message ?? "unknown error"}`
      );
    }
  }
  /** Stops every running plugin (shutdown); the HTTP layer must already have stopped routing to them. */
  stopAll() {
    return this.exclusive(async () => {
      const running = this.list().filter((record) => record.instance);
      await Promise.all(
        running.map(async (record) => {
          this.setState(record, "stopping");
          await record.instance?.stop();
          record.instance = void 0;
          this.setState(record, "disabled");
        })
      );
    });
  }
  async startRecord(record) {
    const manifest = record.manifest;
    if (!manifest) return;
    const started = performance.now();
    this.setState(record, "starting");
    try {
      record.definition ??= await this.load(manifest);
      const instance = await PluginInstance.start(manifest, record.definition, this.shared);
      try {
        await this.verifyRoutes(instance);
      } catch (error) {
        await instance.stop();
        throw error;
      }
      record.instance = instance;
      record.failure = void 0;
      this.setState(record, "enabled");
      this.log.info(
        {
          plugin: manifest.name,
          version: manifest.version,
          ms: Math.round(performance.now() - started)
        },
        "Plugin started"
      );
    } catch (error) {
      const step = error instanceof PluginStepError ? error.step : "start";
      this.fail(record, step, error instanceof PluginStepError ? error.original : error);
    }
  }
  async verifyRoutes(instance) {
    try {
      await this.checkRoutes(instance);
    } catch (error) {
      throw new PluginStepError("routes", error);
    }
  }
  /** Imports the plugin's entry once; later reloads reuse the definition (ES modules cannot be unloaded). */
  async load(manifest) {
    let module;
    try {
      module = await import(pathToFileURL(`${manifest.root}/${manifest.entry}`).href);
    } catch (error) {
      throw new PluginStepError("load", error);
    }
    if (!isPluginDefinition(module.default)) {
      throw new PluginStepError(
        "load",
        new Error(`${manifest.entry} must default-export definePlugin({...})`)
      );
    }
    return module.default;
  }
  async publishRunning() {
    await this.publish(this.running());
  }
  announce(record, event) {
    if (record.manifest)
      this.shared.events.emit("kernel", event, {
        name: record.name,
        version: record.manifest.version
      });
  }
  require(name) {
    const record = this.records.get(name);
    if (!record) throw new NotFoundError2(`No plugin named "${name}"`);
    return record;
  }
  addFailed(name, root, step, error) {
    const record = {
      name,
      root,
      manifest: void 0,
      state: "failed",
      failure: void 0,
      definition: void 0,
      instance: void 0,
      enabledAtStart: false,
      stateSince: /* @__PURE__ */ new Date()
    };
    this.records.set(name, record);
    this.fail(record, step, error);
  }
  fail(record, step, error) {
    const message = error instanceof Error ? error.message : String(error);
    record.failure = { step, message, at: (/* @__PURE__ */ new Date()).toISOString() };
    record.instance = void 0;
    this.setState(record, "failed");
    this.log.error(
      { plugin: record.name, step, err: error },
      `Plugin failed while it was at step "${step}": ${message}`
    );
  }
  setState(record, state) {
    record.state = state;
    record.stateSince = /* @__PURE__ */ new Date();
  }
  /** Runs plugin changes one at a time, in the order asked. */
  exclusive(work) {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => void 0);
    return result;
  }
};

// src/plugins/service-registry.ts
import { ServiceUnavailableError as ServiceUnavailableError3 } from "@roa2web/plugin-sdk";
var ServiceDirectory = class {
  services = /* @__PURE__ */ new Map();
  provide(provider, name, implementation) {
    const existing = this.services.get(name);
    if (existing && existing.provider !== provider) {
      throw new Error(`Service "${name}" is already provided by plugin "${existing.provider}"`);
    }
    this.services.set(name, { provider, implementation });
  }
  withdraw(provider, name, implementation) {
    const existing = this.services.get(name);
    if (existing?.provider === provider && existing.implementation === implementation)
      this.services.delete(name);
  }
  get(name) {
    return this.services.get(name)?.implementation;
  }
  providerOf(name) {
    return this.services.get(name)?.provider;
  }
  list() {
    return [...this.services].map(([name, { provider }]) => ({ name, provider }));
  }
  /** The registry handed to one plugin instance; `dispose()` withdraws what it provided. */
  scoped(provider) {
    const provided = /* @__PURE__ */ new Map();
    return {
      provide: (name, implementation) => {
        this.provide(provider, name, implementation);
        provided.set(name, implementation);
      },
      get: (name) => this.get(name),
      require: (name) => {
        const implementation = this.get(name);
        if (implementation === void 0) {
          throw new ServiceUnavailableError3(
            `The "${name}" service is not available: the plugin that provides it is not running`,
            {
              details: { service: name }
            }
          );
        }
        return implementation;
      },
      providerOf: (name) => this.providerOf(name),
      dispose: () => {
        for (const [name, implementation] of provided)
          this.withdraw(provider, name, implementation);
        provided.clear();
      }
    };
  }
};

// src/kernel.ts
async function timed(logger, step, work) {
  const started = performance.now();
  const result = await work();
  logger.info({ step, ms: Math.round(performance.now() - started) }, `Startup: ${step}`);
  return result;
}
async function createKernel(settings, options = {}) {
  const rootLogger = options.logger ?? createLogger(settings);
  const logger = rootLogger.child({ module: "kernel" });
  const startedAt = /* @__PURE__ */ new Date();
  const bootStarted = performance.now();
  logger.info(
    { version: KERNEL_VERSION, environment: settings.environment, dataDir: settings.dataDir },
    "roa2web kernel starting"
  );
  mkdirSync5(settings.dataDir, { recursive: true });
  const opening = await Promise.allSettled([
    timed(logger, "erp", () => createErp(settings, rootLogger)),
    timed(
      logger,
      "kernel database",
      () => openSqliteDataSource({
        file: path10.join(settings.dataDir, "kernel.db"),
        entities: [UserEntity, RefreshTokenEntity],
        migrations: [KernelInit1763856000000],
        logger: rootLogger.child({ module: "kernel-db" })
      })
    ),
    timed(
      logger,
      "cache",
      () => createCache({
        url: settings.cache.url,
        l1MaxEntries: settings.cache.l1MaxEntries,
        defaultTtlMs: settings.cache.defaultTtlMs,
        logger: rootLogger.child({ module: "cache" })
      })
    )
  ]);
  const failed = opening.filter(
    (result) => result.status === "rejected"
  );
  if (failed.length > 0) {
    for (const result of opening) {
      if (result.status !== "fulfilled") continue;
      const value = result.value;
      await Promise.resolve(value.dataSource ? value.dataSource.destroy() : value.close?.()).catch(
        () => void 0
      );
    }
    throw failed[0]?.reason;
  }
  const [erp, kernelDb, cache] = opening.map(
    (result) => result.value
  );
  cache.startSweeper(settings.cache.sweepIntervalMs);
  const health = new HealthRegistry();
  health.register("erp", () => erp.health(), {
    critical: true,
    timeoutMs: settings.erp.healthTimeoutMs + 100
  });
  health.register("kernel-database", async () => {
    await kernelDb.dataSource.query("SELECT 1");
    return { status: "up" };
  });
  health.register("cache", async () => {
    const stats = await cache.stats();
    return { status: "up", data: { l1: stats.l1, l2: stats.l2 } };
  });
  const accessTokens = new AccessTokens({
    secret: settings.auth.jwtSecret,
    issuer: settings.auth.issuer,
    audience: settings.auth.audience,
    ttlSeconds: settings.auth.accessTokenTtlSeconds
  });
  const users = new Users(kernelDb.dataSource);
  const refreshTokens = new RefreshTokens(
    kernelDb.dataSource,
    settings.auth.refreshTokenTtlSeconds,
    (familyId, userId) => logger.warn(
      { familyId, userId },
      "A used refresh token was presented again: its whole family is revoked"
    )
  );
  const auth = new AuthService(
    settings.auth,
    users,
    accessTokens,
    refreshTokens,
    rootLogger.child({ module: "auth" }),
    erp.verifyCredentials
  );
  await auth.ensureDemoUser();
  const services = new ServiceDirectory();
  services.provide("kernel", "kernel.users", {
    async grantsOf(userId) {
      const record = await users.findById(userId);
      if (!record || record.disabled) return void 0;
      return {
        username: record.username,
        permissions: [...record.permissions],
        companies: record.companies
      };
    }
  });
  const events = new EventHub(logger);
  const container = createContainer({ injectionMode: InjectionMode.PROXY, strict: true });
  container.register({
    config: asValue2(settings),
    logger: asValue2(logger),
    erp: asValue2(erp.client),
    auth: asValue2(auth),
    cache: asValue2(cache),
    health: asValue2(health),
    services: asValue2(services),
    events: asValue2(events)
  });
  const plugins = new PluginManager({
    container,
    settings,
    kernelVersion: KERNEL_VERSION,
    logger: rootLogger,
    erp: erp.client,
    cache,
    services,
    events
  });
  const switchboard = new Switchboard({
    requestTimeoutMs: settings.http.requestTimeoutMs,
    keepAliveTimeoutMs: settings.http.keepAliveTimeoutMs,
    drainTimeoutMs: settings.http.drainTimeoutMs,
    logger,
    headers: createDocumentHeaders(),
    accessLog: {
      everyRequest: settings.log.requests,
      slowRequestMs: settings.log.slowRequestMs,
      logger: rootLogger
    }
  });
  const deps = {
    settings,
    logger: rootLogger,
    kernelVersion: KERNEL_VERSION,
    startedAt,
    auth,
    accessTokens,
    erp: erp.client,
    health,
    plugins,
    rateLimitStore: createSharedRateLimitStore(),
    currentGeneration: () => switchboard.generation
  };
  plugins.attachHttp(
    async (running) => {
      const started = performance.now();
      const app = await buildGeneration(deps, running);
      await switchboard.swap(app);
      logger.info(
        {
          generation: switchboard.generation,
          plugins: running.map((instance) => instance.manifest.name),
          ms: Math.round(performance.now() - started)
        },
        "Route generation swapped in"
      );
    },
    (instance) => probePluginRoutes(instance, (scratch) => installAccessControl(scratch, accessTokens))
  );
  await timed(logger, "discover plugins", () => plugins.discover());
  await timed(logger, "start plugins", () => plugins.startEnabled());
  if (switchboard.generation === 0) await switchboard.swap(await buildGeneration(deps, []));
  logger.info(
    {
      ms: Math.round(performance.now() - bootStarted),
      plugins: plugins.list().map((record) => ({ name: record.name, state: record.state }))
    },
    "Kernel ready"
  );
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      logger.info("Shutting down: no new connections, draining requests");
      await switchboard.close();
      await plugins.stopAll();
      await Promise.allSettled([
        Promise.resolve(erp.close()),
        kernelDb.dataSource.destroy(),
        cache.close()
      ]);
      await container.dispose();
      logger.info("Shutdown complete");
    })();
    return stopping;
  };
  return {
    settings,
    logger,
    container,
    plugins,
    switchboard,
    auth,
    users,
    async listen() {
      const address = await switchboard.listen(settings.port, settings.host);
      const host = address.address.includes(":") ? `[${address.address}]` : address.address;
      const url = `http://${host === "0.0.0.0" || host === "[::]" ? "localhost" : host}:${address.port}`;
      logger.info({ url, port: address.port }, `Listening on ${url}`);
      return { port: address.port, host: address.address, url };
    },
    stop
  };
}

export {
  ConfigError,
  findProjectRoot,
  loadConfig,
  generateDemoErp,
  ensureDemoErp,
  UserEntity,
  RefreshTokenEntity,
  Users,
  KernelInit1763856000000,
  openSqliteDataSource,
  KERNEL_VERSION,
  createKernel
};
//# sourceMappingURL=chunk-WWIU334N.js.map
import { describe, expect, it } from "vitest";
import { cellsOf, primeRows } from "./pump.js";
import { collect, sheetRows, unzip } from "./read-back.test-helper.js";
import type { Cell, TableDocument } from "./table.js";
import { createXlsxWriter } from "./xlsx-writer.js";

const document: TableDocument = {
  title: "Test",
  subtitle: [],
  columns: [
    { header: "Text", kind: "text", width: 20 },
    { header: "Amount", kind: "amount", width: 12 },
  ],
};

/** A source that counts what it handed out and whether it was closed (as an ERP stream closes its connection). */
function endlessSource() {
  const state = { produced: 0, closed: false };
  async function* rows(): AsyncGenerator<Cell[]> {
    try {
      for (;;) {
        state.produced++;
        yield [`rând ${state.produced} ${"x".repeat(40)}`, state.produced / 100];
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, rows: rows() };
}

const writerOptions = { sheetName: "Test", generatedAt: new Date("2025-01-01T00:00:00Z") };

/** Waits until the producer stops moving (it is parked on a full pipe). */
async function settled(read: () => number): Promise<number> {
  let last = -1;
  for (let round = 0; round < 200; round++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const now = read();
    if (now === last) return now;
    last = now;
  }
  return read();
}

describe("primeRows", () => {
  it("writes every row and the totals, then closes the source", async () => {
    const state = { closed: false };
    async function* three(): AsyncGenerator<Cell[]> {
      try {
        yield ["a", 1];
        yield ["b", 2];
        yield ["c", 3];
      } finally {
        state.closed = true;
      }
    }
    const primed = await primeRows(three());
    const writer = createXlsxWriter(document, writerOptions);
    const file = collect(writer.output);
    const outcome = await primed.run(writer, () => ["Total", 6]);
    expect(outcome).toEqual({ rows: 3, aborted: false });
    expect(state.closed).toBe(true);
    const rows = sheetRows((await unzip(await file)).get("xl/worksheets/sheet1.xml") as string);
    expect(rows.map((row) => row.cells[0]?.v)).toEqual(["Test", "Text", "a", "b", "c", "Total"]);
  });

  it("stops pulling rows while nobody reads, and closes the source when the reader leaves", async () => {
    const { state, rows } = endlessSource();
    const primed = await primeRows(rows);
    const writer = createXlsxWriter(document, writerOptions);
    const finished = primed.run(writer, () => undefined);
    const parked = await settled(() => state.produced);
    // Bounded by the pipes' buffers, not by the source (which never ends).
    expect(parked).toBeLessThan(50_000);
    expect(state.closed).toBe(false);
    writer.output.destroy();
    const outcome = await finished;
    expect(outcome.aborted).toBe(true);
    expect(state.closed).toBe(true);
  });

  it("throws a source's first failure before anything is written, closing it", async () => {
    async function* failing(): AsyncGenerator<Cell[]> {
      yield* [];
      throw new Error("ORA-00942: table or view does not exist");
    }
    await expect(primeRows(failing())).rejects.toThrow(/ORA-00942/);
  });

  it("cuts the file short when the source fails midway", async () => {
    async function* midway(): AsyncGenerator<Cell[]> {
      yield ["a", 1];
      throw new Error("connection lost");
    }
    const primed = await primeRows(midway());
    const writer = createXlsxWriter(document, writerOptions);
    const file = collect(writer.output);
    const outcome = await primed.run(writer, () => undefined);
    expect(outcome.rows).toBe(1);
    expect(String(outcome.error)).toMatch(/connection lost/);
    await expect(file).rejects.toThrow(/connection lost/);
  });
});

describe("cellsOf", () => {
  it("maps rows, skips undefined and appends the fold's last row", async () => {
    async function* numbers() {
      yield* [1, 2, 3, 4];
    }
    const out: Array<readonly Cell[]> = [];
    for await (const cells of cellsOf(
      numbers(),
      (n) => (n % 2 === 0 ? [n] : undefined),
      () => ["end"],
    )) {
      out.push(cells);
    }
    expect(out).toEqual([[2], [4], ["end"]]);
  });
});

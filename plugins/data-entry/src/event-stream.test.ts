import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EventStream } from "./event-stream.js";

class FakeResponse extends EventEmitter {
  status = 0;
  headers: Record<string, unknown> = {};
  chunks: string[] = [];
  writableEnded = false;
  writeHead(status: number, headers: Record<string, unknown>) {
    this.status = status;
    this.headers = headers;
  }
  flushHeaders() {}
  write(chunk: string) {
    this.chunks.push(chunk);
    return true;
  }
  end() {
    this.writableEnded = true;
  }
}

function open(heartbeatMs = 1000) {
  const response = new FakeResponse();
  const stream = new EventStream(
    response as unknown as ServerResponse,
    { "x-request-id": "r1", "content-length": 10, "x-frame-options": "DENY" },
    heartbeatMs,
  );
  return { response, stream };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("event stream", () => {
  it("sends the reply's headers with the event-stream type, and events as they come", () => {
    const { response, stream } = open();
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({
      "x-request-id": "r1",
      "x-frame-options": "DENY",
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-store",
    });
    expect(response.headers).not.toHaveProperty("content-length");
    stream.send("progress", { progress: 0.5 });
    expect(response.chunks).toEqual(['event: progress\ndata: {"progress":0.5}\n\n']);
    stream.close();
  });

  it("tells the client to reconnect when the instance stops, and writes nothing after", () => {
    const { response, stream } = open();
    stream.reconnect("plugin-stopping");
    expect(response.chunks).toEqual([
      'retry: 1000\nevent: reconnect\ndata: {"reason":"plugin-stopping","retry_ms":1000}\n\n',
    ]);
    expect(response.writableEnded).toBe(true);
    expect(stream.closed).toBe(true);
    stream.send("progress", { progress: 0.9 });
    expect(response.chunks).toHaveLength(1);
  });

  it("writes nothing once the kernel ended the response (its reconnect event on a stop)", () => {
    const { response, stream } = open();
    // The switchboard ends open event streams itself when the kernel stops.
    response.end();
    stream.send("progress", { progress: 0.9 });
    stream.comment("heartbeat");
    expect(response.chunks).toEqual([]);
    expect(stream.closed).toBe(true);
    stream.close();
  });

  it("writes a heartbeat comment on the interval and stops it when closed", () => {
    vi.useFakeTimers();
    const { response, stream } = open(15_000);
    vi.advanceTimersByTime(30_000);
    expect(response.chunks).toEqual([": heartbeat\n\n", ": heartbeat\n\n"]);
    stream.close();
    vi.advanceTimersByTime(60_000);
    expect(response.chunks).toHaveLength(2);
    expect(response.writableEnded).toBe(true);
  });

  it("runs its clean-ups once when the client goes away, and writes nothing after", () => {
    const { response, stream } = open();
    const cleanup = vi.fn();
    stream.onClose(cleanup);
    response.emit("close");
    response.emit("close");
    stream.close();
    expect(cleanup).toHaveBeenCalledTimes(1);
    stream.send("done", {});
    expect(response.chunks).toEqual([]);
    const late = vi.fn();
    stream.onClose(late);
    expect(late).toHaveBeenCalledTimes(1);
  });
});

/**
 * How updates reach the bot and how it is stopped: telegraf with long polling, or a
 * webhook. Polling runs only while this kernel holds the plugin's poller lease (the
 * plugin passes its signal to `pollWhile`): `launch()` is never awaited (it resolves
 * only when polling ends); ending polling waits for launch to get far enough to be
 * stoppable, then for the last getUpdates to end, so a lost lease, a disabled plugin or
 * a stopped kernel leaves no poller behind. Webhook: every kernel takes updates (the
 * plugin's route hands each to `receive`, which claims its update_id in the shared
 * database first, so a copy delivered twice, to one kernel or two, is handled once);
 * only the holder of the plugin's webhook lease registers the URL and secret with
 * setWebhook (`registerWebhookWhile`), and only it deletes the webhook on stop.
 * Every handler error is caught by `bot.catch`. What the bot *does* with an update is
 * registered on `telegraf` by the parts (see telegram-bot.ts).
 */
import type { Logger } from "@roa2web/plugin-sdk";
import { Telegraf } from "telegraf";
import type { Update } from "telegraf/types";
import type { WebhookSettings } from "../settings.js";

export interface TransportOptions {
  token: string;
  apiRoot: string;
  handlerTimeoutMs: number;
  /** Webhook mode when set; long polling otherwise. */
  webhook?: WebhookSettings | undefined;
  /**
   * Claims a webhook update by its id for this kernel: false when any kernel on the
   * database took it already (Telegram redelivered it). Throws when it cannot tell.
   */
  claimUpdate: (updateId: number) => Promise<boolean>;
  logger: Logger;
}

export type TransportHealth = {
  mode: "polling" | "webhook";
  connected: boolean;
  last_update_at: string | null;
  last_error: string | null;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class BotTransport {
  /** The telegraf instance: the parts register their handlers on it. */
  readonly telegraf: Telegraf;
  private launching: Promise<void> | undefined;
  private launchSettled = true;
  private stopping = false;
  private readonly stopped = new AbortController();
  private connected = false;
  private lastUpdateAt: Date | null = null;
  private lastError: string | null = null;
  private webhookSet = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: TransportOptions) {
    this.telegraf = new Telegraf(options.token, {
      handlerTimeout: options.handlerTimeoutMs,
      telegram: { apiRoot: options.apiRoot },
    });
    this.telegraf.use(async (_ctx, next) => {
      this.lastUpdateAt = new Date();
      await next();
    });
    this.telegraf.catch((error, ctx) => {
      this.options.logger.error(
        { err: error, updateId: ctx.update.update_id },
        "Telegram update failed",
      );
    });
  }

  /** The webhook settings in webhook mode; undefined while polling. */
  get webhook(): WebhookSettings | undefined {
    return this.options.webhook;
  }

  /** Whether `stop` was called: work started now would outlive the instance. */
  get isStopping(): boolean {
    return this.stopping;
  }

  /**
   * Webhook mode, while this kernel holds the webhook lease (`signal` aborts when it is
   * lost or released): registers the webhook, retrying with a growing delay while the
   * Bot API cannot be reached, then holds on until `signal` aborts or `stop`, so no
   * other kernel registers it meanwhile. (Polling starts with `pollWhile`.)
   */
  async registerWebhookWhile(signal: AbortSignal): Promise<void> {
    const webhook = this.options.webhook;
    if (webhook === undefined || this.stopping || signal.aborted) return;
    this.launchSettled = false;
    this.launching = this.registerWebhook(webhook, signal).finally(() => {
      this.launchSettled = true;
    });
    await this.launching;
    await new Promise<void>((resolve) => {
      if (signal.aborted || this.stopped.signal.aborted) return resolve();
      const done = () => {
        signal.removeEventListener("abort", done);
        this.stopped.signal.removeEventListener("abort", done);
        resolve();
      };
      signal.addEventListener("abort", done, { once: true });
      this.stopped.signal.addEventListener("abort", done, { once: true });
    });
    // The lease went to another kernel, which registers (and on its stop deletes) it now;
    // when this instance stops, `stop` decides (deleteOnStop).
    if (!this.stopping) this.webhookSet = false;
  }

  /**
   * Long polling until `signal` aborts (the poller lease is lost or released, the
   * instance stops) or `stop`; resolves once the last getUpdates call has ended, so the
   * next poller (on this kernel or another) never overlaps with this one.
   */
  async pollWhile(signal: AbortSignal): Promise<void> {
    if (this.stopping || signal.aborted || this.options.webhook !== undefined) return;
    this.launchSettled = false;
    const polling = this.poll(signal).finally(() => {
      this.launchSettled = true;
      this.connected = false;
    });
    this.launching = polling;
    const end = () => void this.endPolling(Date.now() + 8000);
    signal.addEventListener("abort", end, { once: true });
    try {
      await polling;
    } finally {
      signal.removeEventListener("abort", end);
    }
  }

  /**
   * Stops telegraf's polling, again and again until the launch settles: while launch is
   * still in getMe or deleteWebhook, `stop()` throws ("Bot is not running!") or stops
   * the previous round's polling object, and the new one starts after.
   */
  private async endPolling(deadline: number): Promise<void> {
    while (!this.launchSettled && Date.now() < deadline) {
      try {
        this.telegraf.stop("polling ends");
      } catch {
        // not polling yet: try again shortly
      }
      await Promise.race([this.launching, sleep(25)]);
    }
  }

  private async poll(signal: AbortSignal): Promise<void> {
    let delay = 1000;
    while (!this.stopping && !signal.aborted) {
      try {
        // Resolves when polling ends (stop), never while it runs.
        await this.telegraf.launch({ dropPendingUpdates: false }, () => {
          this.connected = true;
          this.lastError = null;
          this.options.logger.info(
            { bot: this.telegraf.botInfo?.username },
            "Telegram bot polling",
          );
        });
        return;
      } catch (error) {
        this.failed(error, "Telegram bot could not poll; retrying");
        // A failed launch leaves telegraf's polling object behind; a new launch replaces it.
        await this.pause(delay, signal);
        delay = Math.min(delay * 2, 60_000);
      }
    }
  }

  private async registerWebhook(webhook: WebhookSettings, signal: AbortSignal): Promise<void> {
    let delay = 1000;
    while (!this.stopping && !signal.aborted) {
      try {
        // handleUpdate would otherwise call getMe on the first update.
        this.telegraf.botInfo ??= await this.telegraf.telegram.getMe();
        // Pending updates are kept: Telegram delivers them to the new URL.
        await this.telegraf.telegram.setWebhook(webhook.url, {
          secret_token: webhook.secret,
          drop_pending_updates: false,
        });
        if (this.stopping) return;
        this.webhookSet = true;
        this.connected = true;
        this.lastError = null;
        this.options.logger.info(
          { bot: this.telegraf.botInfo.username, url: webhook.url },
          "Telegram webhook set",
        );
        return;
      } catch (error) {
        this.failed(error, "Telegram webhook could not be set; retrying");
        await this.pause(delay, signal);
        delay = Math.min(delay * 2, 60_000);
      }
    }
  }

  private failed(error: unknown, message: string): void {
    this.connected = false;
    this.lastError = error instanceof Error ? error.message : String(error);
    this.options.logger.warn({ err: error }, message);
  }

  /**
   * Claims the update (see `claimUpdate`), then hands it to telegraf without waiting:
   * the route answers Telegram at once, the handling goes on (bounded by
   * handlerTimeout, errors to `bot.catch`). False when not taken: stopping, or an id
   * some kernel took before. A claim that fails throws (the route answers an error and
   * Telegram delivers the update again).
   */
  async receive(update: Update): Promise<boolean> {
    if (this.stopping) return false;
    if (!(await this.options.claimUpdate(update.update_id))) return false;
    this.track(
      this.telegraf.handleUpdate(update).catch((error: unknown) => {
        // handleUpdate catches handler errors itself; this is getMe failing.
        this.options.logger.error(
          { err: error, updateId: update.update_id },
          "Telegram update failed",
        );
      }),
    );
    return true;
  }

  /** Work started outside an update (a notification): `stop` waits for it, bounded. */
  track(work: Promise<unknown>): void {
    const tracked = work.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /**
   * Stops polling and waits (bounded) until the last getUpdates call has ended; in
   * webhook mode deletes the webhook if configured to; then waits for the updates and
   * notifications being handled.
   */
  async stop(timeoutMs = 8000): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    const deadline = Date.now() + timeoutMs;
    const remaining = () => sleep(Math.max(0, deadline - Date.now()));
    if (this.options.webhook === undefined) await this.endPolling(deadline);
    if (this.launching !== undefined) await Promise.race([this.launching, remaining()]);
    if (this.webhookSet && this.options.webhook?.deleteOnStop === true) {
      try {
        await Promise.race([
          this.telegraf.telegram.deleteWebhook({ drop_pending_updates: false }),
          remaining(),
        ]);
        this.options.logger.info("Telegram webhook deleted");
      } catch (error) {
        this.options.logger.warn({ err: error }, "Telegram webhook could not be deleted");
      }
    }
    this.webhookSet = false;
    this.connected = this.options.webhook === undefined ? this.connected : false;
    if (this.inFlight.size > 0)
      await Promise.race([Promise.allSettled(this.inFlight), remaining()]);
  }

  /** Waits `ms`, or less when the bot or the plugin instance stops. */
  private pause(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.stopped.signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      this.stopped.signal.addEventListener("abort", done, { once: true });
    });
  }

  health(): TransportHealth {
    return {
      mode: this.options.webhook === undefined ? "polling" : "webhook",
      connected: this.connected,
      last_update_at: this.lastUpdateAt?.toISOString() ?? null,
      last_error: this.lastError,
    };
  }
}

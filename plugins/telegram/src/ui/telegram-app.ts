/**
 * <telegram-app>: link this roa2web account to Telegram. A plain custom element with
 * no import (nothing lands outside dist/ui/): shows whether the account is linked,
 * creates a link code, and unlinks. Uses the `token` property; text via textContent.
 */
class TelegramApp extends HTMLElement {
  token = "";
  private readonly root = this.attachShadow({ mode: "open" });

  connectedCallback(): void {
    void this.refresh();
  }

  private async call(method: string, path: string): Promise<Record<string, unknown>> {
    const response = await fetch(`/api/telegram/auth/${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  }

  private async refresh(): Promise<void> {
    this.root.replaceChildren();
    const status = document.createElement("p");
    const code = document.createElement("p");
    const create = document.createElement("button");
    const unlink = document.createElement("button");
    create.textContent = "Create a link code";
    unlink.textContent = "Unlink Telegram";
    this.root.append(status, code, create, unlink);
    try {
      const state = await this.call("GET", "status");
      status.textContent = state.linked ? "Telegram is linked." : "Telegram is not linked.";
      unlink.hidden = !state.linked;
    } catch (error) {
      status.textContent = `Could not load the status: ${(error as Error).message}`;
    }
    create.addEventListener("click", async () => {
      try {
        const created = await this.call("POST", "codes");
        code.textContent = `Send "/link ${String(created.code)}" to the bot within 10 minutes.`;
      } catch (error) {
        code.textContent = `Could not create a code: ${(error as Error).message}`;
      }
    });
    unlink.addEventListener("click", async () => {
      await this.call("DELETE", "link").catch(() => undefined);
      await this.refresh();
    });
  }
}

if (!customElements.get("telegram-app")) customElements.define("telegram-app", TelegramApp);

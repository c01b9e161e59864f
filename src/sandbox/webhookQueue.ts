/**
 * A stand-in's outgoing webhooks, sent the way real senders send them: asynchronously, a little after the
 * change (`delayMs`), never inside the API call that caused it. `notifyApiWrites` makes a stand-in send the
 * webhook its API's own writes cause (Shopify's customers/update, Stripe's customer.updated, HubSpot's
 * propertyChange), as the real service does for a subscribed app: off unless a test or the demo turns it
 * on, since it starts runs of every subscribed integration.
 */
export class WebhookQueue {
  notifyApiWrites = false;
  delayMs = 0;
  private readonly pending = new Set<Promise<void>>();

  /** Delivers after `delayMs`; a failed delivery (the gateway gone) is dropped, as a sender gives up. */
  send(deliver: () => Promise<unknown>): void {
    const sent: Promise<void> = new Promise<void>((resolve) => setTimeout(resolve, this.delayMs).unref())
      .then(deliver)
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => this.pending.delete(sent));
    this.pending.add(sent);
  }

  /** Resolves once every webhook queued so far (and any queued meanwhile) has been delivered. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}

import { Migration } from '@mikro-orm/migrations';

/** A channel's latest finished delivery (shown with each channel) in one index lookup. */
export class Migration20261130000006ChannelLastDelivery extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE INDEX alert_outbox_channel_finished_idx ON alert_outbox (channel_id, seq DESC)
        WHERE channel_id IS NOT NULL AND state IN ('delivered', 'failed');
    `);
  }
}

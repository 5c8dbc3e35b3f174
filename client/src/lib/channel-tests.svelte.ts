/**
 * Test sends and freshly issued signing secrets, shared by the channel list and the channel
 * page: a result stays on screen when moving between them, a secret is shown once and let go.
 */
import { api, messageOf } from './api';
import type { SendOutcome } from './alerting';

export interface TestRun {
  /** Epoch ms when the test was asked for. */
  at: number;
  pending: boolean;
  /** How the send went (the server answered). */
  outcome?: SendOutcome;
  /** The request itself failed (network, permissions, the channel is gone). */
  problem?: string;
}

/** A signing secret the server showed once: at creation or after a rotation. */
export interface RevealedSecret {
  channelId: string;
  secret: string;
  reason: 'created' | 'rotated';
}

class ChannelTests {
  /** By channel id; only this browser tab's tests (the API keeps no per-channel history). */
  runs = $state<Record<string, TestRun>>({});
  /** Handed from the create form to the new channel's page, shown there until dismissed. */
  revealed = $state<RevealedSecret | null>(null);

  /** Sends a test message through the channel as saved; never throws. */
  async send(orgId: string, channelId: string): Promise<TestRun> {
    this.runs[channelId] = { at: Date.now(), pending: true };
    let run: TestRun;
    try {
      const outcome = await api<SendOutcome>('POST', `/orgs/${orgId}/notification-channels/${channelId}/test`);
      run = { at: Date.now(), pending: false, outcome };
    } catch (err) {
      run = { at: Date.now(), pending: false, problem: messageOf(err) };
    }
    this.runs[channelId] = run;
    return run;
  }

  forget(channelId: string) {
    delete this.runs[channelId];
    if (this.revealed?.channelId === channelId) this.revealed = null;
  }
}

export const channelTests = new ChannelTests();

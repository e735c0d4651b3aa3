/** The simulated guild (members, channels, roles), kept live by the recorder that stands in for Discord. */
export type { GuildWorld, WorldSpec } from '../discord/recording.js';
export { RecordingDiscord } from '../discord/recording.js';

/** The simulated guild (members, channels, roles), shared with the recorder that stands in for Discord. */
export type { WorldSpec } from './standin-discord.js';
export { StandInRecordingDiscord as RecordingDiscord } from './standin-discord.js';

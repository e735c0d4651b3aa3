import { InMemoryTimerStore } from '@rulecord/engine';
import { timerStoreContract } from '@rulecord/engine/testing';

timerStoreContract('InMemoryTimerStore', async () => ({ store: new InMemoryTimerStore(), cleanup: async () => {} }));

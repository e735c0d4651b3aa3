import { defineModule } from '@rulecord/engine';
export const modules = [defineModule({ id: 'x', version: '1', name: 'x', description: 'x' })];

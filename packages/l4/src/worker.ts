import { runWorker } from '@lb/core';
import { L4Handler } from './relay';

runWorker((ctx) => new L4Handler(ctx));

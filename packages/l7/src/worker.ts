import { runWorker } from '@lb/core';
import { L7Handler } from './proxy/handler';

runWorker((ctx) => new L7Handler(ctx));

import { main, startRegionalService } from '@pos-fleet/platform/regional-service'
import { buildApp } from './app.js'
import { InventoryDeltaEnv } from './config.js'

main(() => startRegionalService(InventoryDeltaEnv, buildApp))

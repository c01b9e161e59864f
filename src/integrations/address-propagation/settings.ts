/** address-propagation's settings: `config.addressPropagation`. */
import { defineIntegrationSettings, schemas, setting } from '../../settings';

export const addressPropagationSettings = defineIntegrationSettings({
  id: 'address-propagation',
  settings: {
    idleTimeout: setting({
      env: 'ADDRESS_PROPAGATION_IDLE_TIMEOUT',
      schema: schemas.duration,
      required: false,
      secret: false,
      default: '30s',
      description: "how long a record's run waits for more address changes before completing",
    }),
    targetTimeout: setting({
      env: 'ADDRESS_PROPAGATION_TARGET_TIMEOUT',
      schema: schemas.duration,
      required: false,
      secret: false,
      default: '10m',
      description: 'how long one target may keep failing (all retries) before the run reports it failed',
    }),
  },
});

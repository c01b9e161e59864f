/** order-fulfillment's settings: `config.orderFulfillment`. */
import { z } from 'zod';
import { defineIntegrationSettings, schemas, setting } from '../../settings';

export const orderFulfillmentSettings = defineIntegrationSettings({
  id: 'order-fulfillment',
  settings: {
    shipbobChannelId: setting({
      env: 'SHIPBOB_CHANNEL_ID',
      schema: z.string().regex(/^\d+$/, 'a numeric ShipBob channel id'),
      required: true,
      secret: false,
      sandboxDefault: '100102',
      description: 'the ShipBob channel orders are created in',
    }),
    shippingMethod: setting({
      env: 'SHIPBOB_SHIPPING_METHOD',
      schema: schemas.nonEmpty,
      required: false,
      secret: false,
      default: 'Standard',
      description: 'the ShipBob shipping method of new orders',
    }),
    maxWait: setting({
      env: 'ORDER_FULFILLMENT_MAX_WAIT',
      schema: schemas.duration,
      required: false,
      secret: false,
      default: '30d',
      description: 'how long a run waits for the shipment before alerting',
    }),
  },
});

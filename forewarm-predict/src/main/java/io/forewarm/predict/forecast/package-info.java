/** Time-series forecasting models used by the keep-alive and pre-warm policies. */
package io.forewarm.predict.forecast;

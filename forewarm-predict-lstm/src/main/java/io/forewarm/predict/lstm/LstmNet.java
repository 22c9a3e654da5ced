package io.forewarm.predict.lstm;

/**
 * A trained one-layer LSTM with a linear head, evaluated in plain Java (Hochreiter and Schmidhuber, "Long
 * Short-Term Memory", Neural Computation 1997, in PyTorch's formulation with gates ordered input, forget,
 * cell, output). DJL and PyTorch train it; inference runs here because one unit's forecast is a few
 * thousand multiply-adds, cheaper than a call into the native engine, and it needs no native threads on
 * the planner's path. Immutable and safe to share between threads.
 *
 * @param inputs  numbers per time step
 * @param hidden  LSTM state size
 * @param outputs forecast horizon in minutes
 * @param wIh     input weights, {@code 4 * hidden} rows of {@code inputs}
 * @param wHh     recurrent weights, {@code 4 * hidden} rows of {@code hidden}
 * @param bias    the two PyTorch biases summed, {@code 4 * hidden}
 * @param wOut    head weights, {@code outputs} rows of {@code hidden}
 * @param bOut    head bias, {@code outputs}
 */
record LstmNet(int inputs, int hidden, int outputs, float[] wIh, float[] wHh, float[] bias, float[] wOut,
               float[] bOut) {

    LstmNet {
        int gates = 4 * hidden;
        if (wIh.length != gates * inputs || wHh.length != gates * hidden || bias.length != gates
                || wOut.length != outputs * hidden || bOut.length != outputs) {
            throw new IllegalArgumentException("LSTM weights do not match inputs=" + inputs + " hidden=" + hidden
                    + " outputs=" + outputs);
        }
    }

    /**
     * Runs the {@code steps} time steps in {@code x} (from {@code offset}, {@code inputs} numbers each) and
     * writes the probability of an arrival in each of the next {@link #outputs()} minutes into {@code out}.
     */
    void forward(float[] x, int offset, int steps, double[] out) {
        int n = hidden;
        float[] h = new float[n];
        float[] c = new float[n];
        float[] g = new float[4 * n];
        for (int s = 0; s < steps; s++) {
            int xo = offset + s * inputs;
            for (int r = 0; r < 4 * n; r++) {
                float sum = bias[r];
                int wi = r * inputs;
                for (int k = 0; k < inputs; k++) {
                    sum += wIh[wi + k] * x[xo + k];
                }
                int wh = r * n;
                for (int k = 0; k < n; k++) {
                    sum += wHh[wh + k] * h[k];
                }
                g[r] = sum;
            }
            for (int j = 0; j < n; j++) {
                float in = sigmoid(g[j]);
                float forget = sigmoid(g[n + j]);
                float cell = tanh(g[2 * n + j]);
                float outGate = sigmoid(g[3 * n + j]);
                c[j] = forget * c[j] + in * cell;
                h[j] = outGate * tanh(c[j]);
            }
        }
        for (int o = 0; o < outputs; o++) {
            float sum = bOut[o];
            for (int k = 0; k < n; k++) {
                sum += wOut[o * n + k] * h[k];
            }
            out[o] = sigmoid(sum);
        }
    }

    /** Bytes of the weights. */
    long bytes() {
        return 4L * (wIh.length + wHh.length + bias.length + wOut.length + bOut.length);
    }

    private static float sigmoid(float v) {
        return (float) (1 / (1 + Math.exp(-v)));
    }

    /** tanh through one exp (Math.tanh is several times slower and this runs 2 * hidden times a step). */
    private static float tanh(float v) {
        return 2 * sigmoid(2 * v) - 1;
    }
}

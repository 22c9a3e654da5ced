package io.forewarm.predict.lstm;

/**
 * A trained one-layer LSTM with a linear head, evaluated in plain Java (Hochreiter and Schmidhuber, "Long
 * Short-Term Memory", Neural Computation 1997, in PyTorch's formulation with gates ordered input, forget,
 * cell, output). DJL and PyTorch train it; inference runs here because one unit's forecast is a few
 * thousand multiply-adds, cheaper than a call into the native engine, and it needs no native threads on
 * the planner's path. Beside the LSTM's last state through the head, each forecast minute k adds the
 * response to the scheduled events ahead ({@link Features#ahead}): {@code sum over events j of
 * response[j - k + outputs - 1]}, one learnt weight per offset between an event and a minute (a 1-D
 * convolution, as PyTorch's {@code conv1d} with padding {@code outputs - 1}), so "called d minutes after an
 * event" is one weight learnt from every event, wherever it falls. Immutable and safe to share between threads.
 */
final class LstmNet {

    private final int inputs;
    private final int hidden;
    private final int outputs;
    private final float[] wIh;
    private final float[] wHh;
    private final float[] bias;
    private final float[] wOut;
    private final float[] bOut;
    private final float[] response;
    // Column-major copies: the forward pass adds whole columns, a loop without a reduction that the JIT
    // turns into vector instructions.
    private final float[] wIhColumns;
    private final float[] wHhColumns;

    /**
     * Takes the weights in PyTorch's row-major layout.
     *
     * @param inputs  numbers per time step
     * @param hidden  LSTM state size
     * @param outputs forecast horizon in minutes
     * @param wIh     input weights, {@code 4 * hidden} rows of {@code inputs}
     * @param wHh     recurrent weights, {@code 4 * hidden} rows of {@code hidden}
     * @param bias    the two PyTorch biases summed, {@code 4 * hidden}
     * @param wOut    head weights, {@code outputs} rows of {@code hidden}
     * @param bOut    head bias, {@code outputs}
     * @param response the event response by offset, {@code 2 * outputs - 1}
     */
    LstmNet(int inputs, int hidden, int outputs, float[] wIh, float[] wHh, float[] bias, float[] wOut,
            float[] bOut, float[] response) {
        int gates = 4 * hidden;
        if (wIh.length != gates * inputs || wHh.length != gates * hidden || bias.length != gates
                || wOut.length != outputs * hidden || bOut.length != outputs
                || response.length != 2 * outputs - 1) {
            throw new IllegalArgumentException("LSTM weights do not match inputs=" + inputs + " hidden=" + hidden
                    + " outputs=" + outputs);
        }
        this.inputs = inputs;
        this.hidden = hidden;
        this.outputs = outputs;
        this.wIh = wIh.clone();
        this.wHh = wHh.clone();
        this.bias = bias.clone();
        this.wOut = wOut.clone();
        this.bOut = bOut.clone();
        this.response = response.clone();
        this.wIhColumns = columns(wIh, gates, inputs);
        this.wHhColumns = columns(wHh, gates, hidden);
    }

    /** Minutes forecast. */
    int outputs() {
        return outputs;
    }

    /** Input weights as PyTorch lays them out (a copy). */
    float[] wIh() {
        return wIh.clone();
    }

    /** Recurrent weights as PyTorch lays them out (a copy). */
    float[] wHh() {
        return wHh.clone();
    }

    /** Head weights (a copy). */
    float[] wOut() {
        return wOut.clone();
    }

    /** The event response by offset (a copy). */
    float[] response() {
        return response.clone();
    }

    /**
     * Runs the {@code steps} time steps in {@code x} (from {@code offset}, {@code inputs} numbers each) and,
     * with the {@link #outputs()} event flags ahead in {@code ahead} (from {@code aheadOffset}), writes the
     * probability of an arrival in each of the next {@link #outputs()} minutes into {@code out}.
     */
    void forward(float[] x, int offset, int steps, float[] ahead, int aheadOffset, double[] out) {
        int n = hidden;
        int rows = 4 * n;
        float[] h = new float[n];
        float[] c = new float[n];
        float[] g = new float[rows];
        for (int s = 0; s < steps; s++) {
            int xo = offset + s * inputs;
            System.arraycopy(bias, 0, g, 0, rows);
            for (int k = 0; k < inputs; k++) {
                addColumn(x[xo + k], wIhColumns, k * rows, g);
            }
            for (int k = 0; k < n; k++) {
                addColumn(h[k], wHhColumns, k * rows, g);
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
            for (int j = 0; j < outputs; j++) {
                float e = ahead[aheadOffset + j];
                if (e != 0) { // usually no event at all: skip the whole convolution
                    sum += e * response[j - o + outputs - 1];
                }
            }
            out[o] = sigmoid(sum);
        }
    }

    /** {@code g += a * column}, skipped for a = 0 (most inputs are arrival flags, and most of those are 0). */
    private static void addColumn(float a, float[] columns, int from, float[] g) {
        if (a == 0) {
            return;
        }
        for (int r = 0; r < g.length; r++) {
            g[r] += a * columns[from + r];
        }
    }

    private static float[] columns(float[] w, int rows, int cols) {
        float[] t = new float[w.length];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < cols; k++) {
                t[k * rows + r] = w[r * cols + k];
            }
        }
        return t;
    }

    /** Bytes of the weights (both layouts). */
    long bytes() {
        return 4L * (2 * wIh.length + 2 * wHh.length + bias.length + wOut.length + bOut.length
                + response.length);
    }

    private static float sigmoid(float v) {
        return (float) (1 / (1 + Math.exp(-v)));
    }

    /** tanh through one exp (Math.tanh is several times slower and this runs 2 * hidden times a step). */
    private static float tanh(float v) {
        return 2 * sigmoid(2 * v) - 1;
    }
}

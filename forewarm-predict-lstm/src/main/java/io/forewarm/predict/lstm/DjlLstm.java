package io.forewarm.predict.lstm;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;

import java.util.List;
import java.util.Random;

/**
 * The forecaster's network while it trains, on DJL's PyTorch engine: an LSTM over the lookback, its last
 * state beside the scheduled events ahead ({@link Features#ahead}) into a linear layer with one logit per
 * horizon minute, trained with binary cross-entropy and Adam
 * (Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015). {@link #export()} hands the
 * weights to the plain-Java {@link LstmNet}. Not thread-safe; close it to free the native memory.
 */
final class DjlLstm implements AutoCloseable {

    private static final String ENGINE = "PyTorch";

    private final LstmForecaster.Config config;
    private final Block block;
    private final Model model;
    private final Trainer trainer;

    /** A freshly initialised network, its weights drawn from {@code config.seed()}. */
    DjlLstm(LstmForecaster.Config config) {
        this.config = config;
        Engine engine = pytorch();
        engine.setRandomSeed((int) config.seed());
        // Inputs: the lookback (batch, lookback, PER_MINUTE) and the event flags ahead (batch, horizon); the
        // logits are the head's plus the events' response (LstmNet spells out the same sums).
        int h = config.horizon();
        SequentialBlock recurrent = new SequentialBlock()
                .add(in -> new NDList(in.get(0)))
                .add(LSTM.builder().setStateSize(config.hidden()).setNumLayers(1).optBatchFirst(true)
                        .optReturnState(false).build())
                .add(x -> new NDList(x.singletonOrThrow().get(":, -1, :")))
                .add(Linear.builder().setUnits(h).build());
        SequentialBlock events = new SequentialBlock()
                .add(in -> new NDList(in.get(1).expandDims(1)))
                .add(Conv1d.builder().setKernelShape(new Shape(2L * h - 1)).setFilters(1)
                        .optPadding(new Shape(h - 1L)).optBias(false).build())
                .add(x -> new NDList(x.singletonOrThrow().squeeze(1)));
        block = new ParallelBlock(parts -> new NDList(parts.get(0).singletonOrThrow()
                .add(parts.get(1).singletonOrThrow())), List.of(recurrent, events));
        model = Model.newInstance("forewarm-lstm", Device.cpu(), ENGINE);
        model.setBlock(block);
        DefaultTrainingConfig training = new DefaultTrainingConfig(Loss.sigmoidBinaryCrossEntropyLoss())
                .optOptimizer(Adam.builder()
                        .optLearningRateTracker(Tracker.fixed((float) config.learningRate())).build())
                .optDevices(new Device[] {Device.cpu()});
        trainer = model.newTrainer(training);
        trainer.initialize(new Shape(1, config.lookback(), Features.PER_MINUTE), new Shape(1, config.horizon()));
    }

    /**
     * The PyTorch engine with one intra-op and one inter-op thread (unless the caller set otherwise before):
     * one thread makes the sums reproducible and keeps training off the other core the simulator and the
     * planner use. Offline mode: the native library comes from the pytorch-native jar, never a download.
     */
    static Engine pytorch() {
        setIfAbsent("ai.djl.pytorch.num_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        setIfAbsent("ai.djl.offline", "true");
        return Engine.getEngine(ENGINE);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Trains on {@code samples} for the configured epochs in seeded shuffled mini-batches; mean loss per epoch. */
    double[] fit(Samples samples) {
        int in = samples.lookback() * Features.PER_MINUTE;
        int out = samples.horizon();
        int batch = config.batch();
        float[] xb = new float[batch * in];
        float[] ab = new float[batch * out];
        float[] yb = new float[batch * out];
        int[] order = new int[samples.count()];
        Random random = new Random(config.seed());
        double[] losses = new double[config.epochs()];
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            shuffle(order, random);
            double sum = 0;
            int batches = 0;
            for (int start = 0; start < order.length; start += batch) {
                int size = Math.min(batch, order.length - start);
                for (int r = 0; r < size; r++) {
                    System.arraycopy(samples.x(), order[start + r] * in, xb, r * in, in);
                    System.arraycopy(samples.ahead(), order[start + r] * out, ab, r * out, out);
                    System.arraycopy(samples.y(), order[start + r] * out, yb, r * out, out);
                }
                sum += step(xb, ab, yb, size);
                batches++;
            }
            losses[epoch] = batches == 0 ? Double.NaN : sum / batches;
        }
        return losses;
    }

    private double step(float[] xb, float[] ab, float[] yb, int size) {
        try (NDManager batch = trainer.getManager().newSubManager()) {
            NDList inputs = inputs(batch, xb, ab, size);
            NDArray y = batch.create(slice(yb, size * config.horizon()), new Shape(size, config.horizon()));
            double loss;
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDList logits = trainer.forward(inputs);
                NDArray l = trainer.getLoss().evaluate(new NDList(y), logits);
                gc.backward(l);
                loss = l.getFloat();
            }
            trainer.step();
            return loss;
        }
    }

    /** The network's two inputs for the first {@code size} windows of {@code x} and {@code ahead}. */
    private NDList inputs(NDManager manager, float[] x, float[] ahead, int size) {
        return new NDList(
                manager.create(slice(x, size * config.lookback() * Features.PER_MINUTE),
                        new Shape(size, config.lookback(), Features.PER_MINUTE)),
                manager.create(slice(ahead, size * config.horizon()), new Shape(size, config.horizon())));
    }

    /**
     * The engine's probabilities for {@code count} windows in {@code x} and {@code ahead}: the reference
     * {@link LstmNet} must match.
     */
    float[] predict(float[] x, float[] ahead, int count) {
        try (NDManager batch = trainer.getManager().newSubManager()) {
            NDList logits = trainer.evaluate(inputs(batch, x, ahead, count));
            return Activation.sigmoid(logits.singletonOrThrow()).toFloatArray();
        }
    }

    /** Copies the weights out into a plain-Java network. */
    LstmNet export() {
        float[] wIh = null;
        float[] wHh = null;
        float[] bIh = null;
        float[] bHh = null;
        float[] wOut = null;
        float[] bOut = null;
        float[] response = null;
        for (Pair<String, Parameter> p : block.getParameters()) {
            String name = p.getKey();
            float[] values = p.getValue().getArray().toFloatArray();
            if (name.endsWith("i2h_WEIGHT")) {
                wIh = values;
            } else if (name.endsWith("h2h_WEIGHT")) {
                wHh = values;
            } else if (name.endsWith("i2h_BIAS")) {
                bIh = values;
            } else if (name.endsWith("h2h_BIAS")) {
                bHh = values;
            } else if (name.endsWith("Linear_weight")) {
                wOut = values;
            } else if (name.endsWith("Linear_bias")) {
                bOut = values;
            } else if (name.endsWith("Conv1d_weight")) {
                response = values;
            } else {
                throw new IllegalStateException("unexpected LSTM parameter " + name);
            }
        }
        if (wIh == null || wHh == null || bIh == null || bHh == null || wOut == null || bOut == null
                || response == null) {
            throw new IllegalStateException("LSTM parameters missing from " + block.getParameters().keys());
        }
        float[] bias = new float[bIh.length];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = bIh[i] + bHh[i];
        }
        return new LstmNet(Features.PER_MINUTE, config.hidden(), config.horizon(), wIh, wHh, bias, wOut, bOut,
                response);
    }

    private static float[] slice(float[] a, int length) {
        return length == a.length ? a : java.util.Arrays.copyOf(a, length);
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}

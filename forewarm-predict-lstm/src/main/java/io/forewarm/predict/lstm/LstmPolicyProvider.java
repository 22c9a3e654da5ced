package io.forewarm.predict.lstm;

import io.forewarm.predict.Policy;
import io.forewarm.predict.PolicyProvider;
import io.forewarm.predict.PolicySpec;

/** Registers {@link LstmPolicy} as {@code lstm} through {@link java.util.ServiceLoader}. */
public final class LstmPolicyProvider implements PolicyProvider {

    /** The no-argument constructor the service loader calls. */
    public LstmPolicyProvider() {
    }

    @Override
    public String name() {
        return "lstm";
    }

    @Override
    public String positionalParameter() {
        return "rule";
    }

    @Override
    public String description() {
        return "global LSTM forecast (DJL/PyTorch) trained before --score-from; window covers the next arrival "
                + "(lstm:next,head=0.05,tail=0.99 or lstm:minute,threshold=0.3; horizon=60,lookback=60,hidden=16,"
                + "epochs=4,samples=30000,batch=256,seed=1,fallback=10,retrain=0,lead=1); reads external signals";
    }

    @Override
    public Policy create(PolicySpec spec) {
        return LstmPolicy.create(spec);
    }
}

using System;

namespace TorchSharp;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>A module whose forward takes six inputs (TorchSharp's arity, used by MultiheadAttention).</summary>
        public abstract class Module<T1, T2, T3, T4, T5, T6, TResult> : Module
        {
            protected Module(string name) : base(name) { }

            public abstract TResult forward(T1 input1, T2 input2, T3 input3, T4 input4, T5 input5, T6 input6);

            public TResult call(T1 input1, T2 input2, T3 input3, T4 input4, T5 input5, T6 input6)
            {
                NotifyCall(true);
                try { return forward(input1, input2, input3, input4, input5, input6); } finally { NotifyCall(false); }
            }
        }
    }
}

using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace GiantVm.Ctl.Live;

/// <summary>
/// Puts <c>--vm</c> (or the context's vm) into every AdminService request that has a <c>vm</c>
/// field and leaves it empty, in one place instead of at every verb.
/// </summary>
internal sealed class VmInterceptor(string vm) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(Stamp(request), context);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(Stamp(request), context);
    }

    /// <summary>Sets the request's <c>vm</c> string field when it has one and it is empty.</summary>
    internal TRequest Stamp<TRequest>(TRequest request)
    {
        if (request is IMessage message
            && message.Descriptor.FindFieldByName("vm") is { FieldType: Google.Protobuf.Reflection.FieldType.String } field
            && field.Accessor.GetValue(message) is "" or null)
        {
            field.Accessor.SetValue(message, vm);
        }

        return request;
    }
}

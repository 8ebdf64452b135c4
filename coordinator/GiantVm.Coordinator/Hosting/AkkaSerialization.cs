using Akka.Configuration;
using Akka.Hosting;

namespace GiantVm.Coordinator.Hosting;

/// <summary>
/// How actor messages between members are serialized: each type of <see cref="MemberMessageFormat"/>
/// by <see cref="MemberMessageSerializer"/>, and nothing by a fallback (strict serialization: a
/// type without a binding fails when sent, instead of silently going through Akka's default JSON).
/// </summary>
public static class AkkaSerialization
{
    /// <param name="verifyEveryMessage">
    /// Also round-trip local messages through their serializer (<see cref="AkkaSettings.VerifyMessages"/>).
    /// Akka's own local messages have no binding, so strict serialization cannot be on then:
    /// <see cref="UnboundMessageGuard"/> takes every unbound type instead, failing ours.
    /// </param>
    public static AkkaConfigurationBuilder AddMemberMessages(this AkkaConfigurationBuilder builder, bool verifyEveryMessage = false)
    {
        builder.WithCustomSerializer("giantvm-member", MemberMessageFormat.Types, system => new MemberMessageSerializer(system));
        return verifyEveryMessage
            ? builder
                .WithCustomSerializer("giantvm-unbound-guard", [typeof(object)], system => new UnboundMessageGuard(system))
                .AddHocon(
                    ConfigurationFactory.ParseString(
                        "akka.actor.serialize-messages = on\n" +
                        "akka.actor.serialize-creators = off\n" +
                        // the guard replaces the default for System.Object on purpose: no warning about it
                        "akka.log-serializer-override-on-start = off"),
                    HoconAddMode.Prepend)
            : builder.WithStrictSerialization();
    }
}

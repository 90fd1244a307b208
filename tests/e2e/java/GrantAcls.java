// SPDX-License-Identifier: Apache-2.0
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/* Grants a user everything on every topic and on the cluster, and nothing
 * on groups: its Connect worker reads and writes its internal topics but
 * is refused the group (GROUP_AUTHORIZATION_FAILED). */
public class GrantAcls {
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", args[0]);
        AccessControlEntry all = new AccessControlEntry("User:" + args[1], "*",
                AclOperation.ALL, AclPermissionType.ALLOW);
        try (Admin admin = Admin.create(p)) {
            admin.createAcls(List.of(
                    new AclBinding(new ResourcePattern(ResourceType.TOPIC, "*",
                            PatternType.LITERAL), all),
                    new AclBinding(new ResourcePattern(ResourceType.CLUSTER,
                            "kafka-cluster", PatternType.LITERAL), all)))
                    .all().get();
        }
    }
}

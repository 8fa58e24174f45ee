import { ApiError } from './api-error';
import type { ConversationStatus, FreshchatConversation, FreshchatStore } from './freshchat-store';

export interface ConversationUpdateBody {
  status?: ConversationStatus;
  assigned_agent_id?: string;
  assigned_group_id?: string;
  properties?: Record<string, unknown>;
}

/** 003 Update a conversation, rule by rule. */
export function applyConversationUpdate(store: FreshchatStore, conversation: FreshchatConversation, body: ConversationUpdateBody): void {
  // "To unassign ... specify an empty value (" ")".
  if (body.assigned_agent_id !== undefined) {
    const id = body.assigned_agent_id.trim();
    if (id && !store.agent(id)) throw new ApiError(400, `agent ${id} does not exist`, 'INVALID_AGENT');
    if (id) conversation.assigned_agent_id = id;
    else delete conversation.assigned_agent_id;
  }
  if (body.assigned_group_id !== undefined) {
    const id = body.assigned_group_id.trim();
    if (id && !store.group(id)) throw new ApiError(400, `group ${id} does not exist`, 'INVALID_GROUP');
    if (id) conversation.assigned_group_id = id;
    else delete conversation.assigned_group_id;
  }
  if (body.properties) conversation.properties = { ...(conversation.properties || {}), ...body.properties };

  switch (body.status) {
    case 'resolved':
    case 'new':
      conversation.status = body.status;
      break;
    case 'reopened':
      // "Reopen a resolved conversation": reopening anything else is refused, so the app cannot
      // lean on a no-op the real API may not grant. Reopened conversations become `new`.
      if (conversation.status !== 'resolved') {
        throw new ApiError(400, `only a resolved conversation can be reopened; this one is ${conversation.status}`, 'INVALID_STATUS_CHANGE');
      }
      store.reopen(conversation);
      return;
    case 'assigned':
      // Agent given: assigned. Group only: "the conversation status changes to new".
      if (conversation.assigned_agent_id) conversation.status = 'assigned';
      else if (conversation.assigned_group_id) conversation.status = 'new';
      else throw new ApiError(400, 'assigned_agent_id is mandatory when status is assigned (003)', 'BAD_REQUEST');
      break;
    default:
      break;
  }
  store.touch(conversation);
}
